import Catalog
import Foundation
import GRDB
import MiniKit

/// The embedded store: one SQLite file in the data folder, in WAL mode, migrated on open.
public final class SQLiteCatalogStore: CatalogStore {
    private let pool: DatabasePool
    /// The database file.
    public let path: String

    /// Opens (creating if needed) `catalog.sqlite` in `directory` and brings its schema up to date.
    public init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("catalog.sqlite").path
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        configuration.busyMode = .timeout(5)
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// The schema, one migration per step; never edit a registered migration, add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: host apps and audit log") { db in
            try db.create(table: "host_app") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("minimum_shell_version", .text)
                table.column("active", .boolean).notNull().defaults(to: true)
                table.column("expiry_grace_seconds", .integer).notNull().defaults(to: 0)
            }
            try db.create(table: "audit_log") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .double).notNull()
                table.column("actor", .text).notNull()
                table.column("action", .text).notNull()
                table.column("target", .text).notNull()
                table.column("reason", .text)
            }
        }
        migrator.registerMigration("v2: accounts and API tokens") { db in
            try db.create(table: "account") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("role", .text).notNull()
                table.column("created_at", .double).notNull()
            }
            try db.create(table: "api_token") { table in
                table.primaryKey("hash", .text)
                table.column("account_id", .text).notNull().references("account", onDelete: .cascade)
                table.column("created_at", .double).notNull()
                table.column("revoked", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("v3: partners, mini-programs, versions") { db in
            try db.create(table: "partner") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
            }
            try db.create(table: "mini_program") { table in
                table.primaryKey("id", .text)
                table.column("partner_id", .text).notNull().references("partner")
                table.column("name", .text).notNull()
                table.column("category", .text).notNull()
            }
            try db.create(table: "version") { table in
                table.column("app_id", .text).notNull().references("mini_program")
                table.column("version", .text).notNull()
                table.column("sha256", .text).notNull()
                table.column("size", .integer).notNull()
                table.column("scopes", .text).notNull()
                table.column("domains", .text).notNull()
                table.column("minimum_host_version", .text)
                table.column("review_state", .text).notNull()
                table.column("report", .text).notNull()
                table.column("uploaded_by", .text).notNull()
                table.column("uploaded_at", .double).notNull()
                table.primaryKey(["app_id", "version"])
            }
        }
        migrator.registerMigration("v4: review decisions") { db in
            try db.create(table: "review") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("app_id", .text).notNull()
                table.column("version", .text).notNull()
                table.column("stage", .text).notNull()
                table.column("approved", .boolean).notNull()
                table.column("reviewer", .text).notNull()
                table.column("reason", .text)
                table.column("at", .double).notNull()
                table.foreignKey(["app_id", "version"], references: "version", columns: ["app_id", "version"])
            }
        }
        migrator.registerMigration("v5: listings, host catalog versions, events") { db in
            try db.create(table: "listing") { table in
                table.column("app_id", .text).notNull().references("mini_program")
                table.column("host_id", .text).notNull().references("host_app")
                table.column("state", .text).notNull()
                table.column("plan", .text).notNull()
                table.column("delist_reason", .text)
                table.primaryKey(["app_id", "host_id"])
            }
            try db.create(table: "host_state") { table in
                table.primaryKey("host_id", .text).references("host_app")
                table.column("catalog_version", .integer).notNull()
                table.column("event_sequence", .integer).notNull()
            }
            try db.create(table: "event") { table in
                table.column("host_id", .text).notNull()
                table.column("sequence", .integer).notNull()
                table.column("catalog_version", .integer).notNull()
                table.column("kind", .text).notNull()
                table.column("app_id", .text).notNull()
                table.column("version", .text)
                table.column("reason", .text)
                table.column("at", .double).notNull()
                table.primaryKey(["host_id", "sequence"])
            }
        }
        migrator.registerMigration("v6: host keys") { db in
            try db.create(table: "host_key") { table in
                table.primaryKey("hash", .text)
                table.column("host_id", .text).notNull().unique().references("host_app", onDelete: .cascade)
            }
        }
        migrator.registerMigration("v7: acknowledgements") { db in
            try db.create(table: "acknowledgement") { table in
                table.column("host_id", .text).notNull()
                table.column("shell_id", .text).notNull()
                table.column("body", .text).notNull()
                table.column("received_at", .double).notNull()
                table.primaryKey(["host_id", "shell_id"])
            }
        }
        migrator.registerMigration("v8: segments") { db in
            try db.create(table: "segment") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("name", .text).notNull().unique()
                table.column("constraints", .text).notNull()
            }
        }
        return migrator
    }

    public func saveAcknowledgement(_ ack: Acknowledgement, receivedAt: Date) async throws {
        let body = String(decoding: try WireFormat.encoder().encode(ack), as: UTF8.self)
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO acknowledgement (host_id, shell_id, body, received_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(host_id, shell_id) DO UPDATE SET body = excluded.body, received_at = excluded.received_at
                    """,
                arguments: [ack.hostId, ack.shellId, body, receivedAt.timeIntervalSince1970])
        }
    }

    public func acknowledgements(hostId: String, since: Date) async throws -> [(ack: Acknowledgement, receivedAt: Date)]
    {
        let rows = try await pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT * FROM acknowledgement WHERE host_id = ? AND received_at >= ? ORDER BY shell_id LIMIT 100000",
                arguments: [hostId, since.timeIntervalSince1970])
        }
        return try rows.map { row in
            (
                try WireFormat.decoder().decode(Acknowledgement.self, from: Data((row["body"] as String).utf8)),
                Date(timeIntervalSince1970: row["received_at"])
            )
        }
    }

    public func events(hostId: String, after: UInt64, limit: Int) async throws -> [StoredEvent] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM event WHERE host_id = ? AND sequence > ? ORDER BY sequence LIMIT ?",
                arguments: [hostId, Int64(clamping: after), max(0, limit)]
            ).map { row in
                StoredEvent(
                    hostId: row["host_id"], sequence: UInt64(row["sequence"] as Int64),
                    catalogVersion: UInt64(row["catalog_version"] as Int64),
                    kind: try row.decoded(CatalogEvent.Kind.self, "kind", table: "event"), appId: row["app_id"],
                    version: try row.version("version", table: "event"), reason: row["reason"],
                    at: Date(timeIntervalSince1970: row["at"]))
            }
        }
    }

    public func setHostKey(hostId: String, hash: String, audit: AuditEntry?) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM host_key WHERE host_id = ?", arguments: [hostId])
            try db.execute(sql: "INSERT INTO host_key (hash, host_id) VALUES (?, ?)", arguments: [hash, hostId])
            if let audit { try Self.insert(audit, db) }
        }
    }

    public func createHostApp(_ host: HostApp, keyHash: String, audit: AuditEntry?) async throws -> Bool {
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM host_app WHERE id = ?", arguments: [host.id]) == nil else {
                return false
            }
            try Self.insert(host, db)
            try db.execute(sql: "INSERT INTO host_key (hash, host_id) VALUES (?, ?)", arguments: [keyHash, host.id])
            if let audit { try Self.insert(audit, db) }
            return true
        }
    }

    public func host(forKeyHash hash: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT host_id FROM host_key WHERE hash = ?", arguments: [hash])
        }
    }

    public func delistings(hostId: String) async throws -> [Tombstone] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT event.* FROM event JOIN listing ON listing.app_id = event.app_id AND listing.host_id = event.host_id
                    WHERE event.host_id = ? AND event.kind = 'delisted' AND listing.state = 'delisted'
                      AND event.sequence = (SELECT MAX(sequence) FROM event AS later
                                            WHERE later.host_id = event.host_id AND later.app_id = event.app_id AND later.kind = 'delisted')
                    ORDER BY event.app_id
                    """, arguments: [hostId]
            ).map { row in
                Tombstone(
                    appId: row["app_id"], delistedAt: Date(timeIntervalSince1970: row["at"]),
                    reason: row["reason"] ?? "",
                    sequence: UInt64(row["sequence"] as Int64))
            }
        }
    }

    public func listings(appId: String) async throws -> [Listing] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM listing WHERE app_id = ? ORDER BY host_id", arguments: [appId])
                .map(Self.listing)
        }
    }

    public func listings(hostId: String) async throws -> [Listing] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM listing WHERE host_id = ? ORDER BY app_id", arguments: [hostId])
                .map(Self.listing)
        }
    }

    public func commit(
        _ listing: Listing, event: CatalogEvent.Kind, version: SemanticVersion?, reason: String?, at: Date,
        audit: AuditEntry?, expected: Listing?, requireActiveHost: Bool
    ) async throws -> StoredEvent {
        let plan = String(decoding: try WireFormat.encoder().encode(listing.plan), as: UTF8.self)
        return try await pool.write { db in
            let stored = try Row.fetchOne(
                db, sql: "SELECT * FROM listing WHERE app_id = ? AND host_id = ?",
                arguments: [listing.appId, listing.hostId]
            ).map(Self.listing)
            guard stored == expected else {
                throw ListingChanged(
                    "the listing of '\(listing.appId)' on \(listing.hostId) changed meanwhile (now \(stored?.state.rawValue ?? "unlisted")); check it and try again"
                )
            }
            // The last word on what may be listed: in the same transaction as the listing itself.
            if listing.state.isListed {
                for version in listing.plan.versions {
                    let state = try String.fetchOne(
                        db, sql: "SELECT review_state FROM version WHERE app_id = ? AND version = ?",
                        arguments: [listing.appId, version.description])
                    guard state == MiniProgramVersion.ReviewState.approved.rawValue else {
                        throw VersionNotApproved(
                            appId: listing.appId, version: version,
                            state: state.flatMap(MiniProgramVersion.ReviewState.init(rawValue:)))
                    }
                }
            }
            if requireActiveHost {
                let active = try Bool.fetchOne(
                    db, sql: "SELECT active FROM host_app WHERE id = ?", arguments: [listing.hostId])
                guard active == true else { throw ListingChanged("host app '\(listing.hostId)' is deactivated") }
            }
            try db.execute(
                sql: """
                    INSERT INTO listing (app_id, host_id, state, plan, delist_reason) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(app_id, host_id) DO UPDATE SET state = excluded.state, plan = excluded.plan,
                      delist_reason = excluded.delist_reason
                    """,
                arguments: [listing.appId, listing.hostId, listing.state.rawValue, plan, listing.delistReason])
            let current = try Row.fetchOne(
                db, sql: "SELECT * FROM host_state WHERE host_id = ?", arguments: [listing.hostId])
            let catalogVersion = (current.map { $0["catalog_version"] as Int64 } ?? 0) + 1
            let sequence = (current.map { $0["event_sequence"] as Int64 } ?? 0) + 1
            try db.execute(
                sql: """
                    INSERT INTO host_state (host_id, catalog_version, event_sequence) VALUES (?, ?, ?)
                    ON CONFLICT(host_id) DO UPDATE SET catalog_version = excluded.catalog_version, event_sequence = excluded.event_sequence
                    """,
                arguments: [listing.hostId, catalogVersion, sequence])
            try db.execute(
                sql:
                    "INSERT INTO event (host_id, sequence, catalog_version, kind, app_id, version, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    listing.hostId, sequence, catalogVersion, event.rawValue, listing.appId, version?.description,
                    reason, at.timeIntervalSince1970,
                ])
            if let audit { try Self.insert(audit, db) }
            return StoredEvent(
                hostId: listing.hostId, sequence: UInt64(sequence), catalogVersion: UInt64(catalogVersion), kind: event,
                appId: listing.appId, version: version, reason: reason, at: at)
        }
    }

    public func hostState(_ hostId: String) async throws -> (catalogVersion: UInt64, eventSequence: UInt64) {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM host_state WHERE host_id = ?", arguments: [hostId])
            else { return (0, 0) }
            return (UInt64(row["catalog_version"] as Int64), UInt64(row["event_sequence"] as Int64))
        }
    }

    private static func listing(_ row: Row) throws -> Listing {
        Listing(
            appId: row["app_id"], hostId: row["host_id"],
            state: try row.decoded(ListingState.self, "state", table: "listing"),
            plan: try WireFormat.decoder().decode(ReleasePlan.self, from: Data((row["plan"] as String).utf8)),
            delistReason: row["delist_reason"])
    }

    public func version(appId: String, version: SemanticVersion) async throws -> StoredVersion? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM version WHERE app_id = ? AND version = ?",
                    arguments: [appId, version.description])
            else { return nil }
            return try Self.storedVersion(row, db)
        }
    }

    public func packageDigests() async throws -> Set<String> {
        try await pool.read { db in Set(try String.fetchAll(db, sql: "SELECT sha256 FROM version")) }
    }

    public func versionsInReview() async throws -> [StoredVersion] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM version WHERE review_state = ? ORDER BY uploaded_at",
                arguments: [MiniProgramVersion.ReviewState.inReview.rawValue]
            )
            .map { try Self.storedVersion($0, db) }
        }
    }

    public func recordReview(
        _ review: ReviewDecision, newState: MiniProgramVersion.ReviewState,
        expectedState: MiniProgramVersion.ReviewState, audit: AuditEntry?
    ) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE version SET review_state = ? WHERE app_id = ? AND version = ? AND review_state = ?",
                arguments: [newState.rawValue, review.appId, review.version.description, expectedState.rawValue])
            guard db.changesCount == 1 else { return false }
            if !review.stage.isEmpty {
                try db.execute(
                    sql:
                        "INSERT INTO review (app_id, version, stage, approved, reviewer, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        review.appId, review.version.description, review.stage, review.approved, review.reviewer,
                        review.reason, review.at.timeIntervalSince1970,
                    ])
            }
            if let audit { try Self.insert(audit, db) }
            return true
        }
    }

    private static func storedVersion(_ row: Row, _ db: Database) throws -> StoredVersion {
        let version = try versionFrom(row)
        let reviews = try Row.fetchAll(
            db, sql: "SELECT * FROM review WHERE app_id = ? AND version = ? ORDER BY id",
            arguments: [version.appId, version.version.description]
        ).map { review in
            ReviewDecision(
                appId: review["app_id"], version: version.version, stage: review["stage"], approved: review["approved"],
                reviewer: review["reviewer"], reason: review["reason"], at: Date(timeIntervalSince1970: review["at"]))
        }
        return StoredVersion(version: version, uploadedBy: row["uploaded_by"], report: row["report"], reviews: reviews)
    }

    public func createPartner(id: String, name: String) async throws -> Bool {
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM partner WHERE id = ?", arguments: [id]) == nil else {
                return false
            }
            try db.execute(sql: "INSERT INTO partner (id, name) VALUES (?, ?)", arguments: [id, name])
            return true
        }
    }

    public func segments() async throws -> [Segment] {
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, constraints FROM segment ORDER BY id").map {
                (id: $0["id"] as Int, name: $0["name"] as String, constraints: $0["constraints"] as String)
            }
        }
        return try rows.map { row in
            let json = try JSONValue.parse(Data(row.constraints.utf8))
            var constraints: [RolloutConstraint] = []
            for item in try JSONCursor(json).array() { constraints.append(try RolloutConstraint(json: item)) }
            return Segment(id: row.id, name: row.name, constraints: constraints)
        }
    }

    public func createSegment(name: String, constraints: [RolloutConstraint], audit: AuditEntry?, maximum: Int)
        async throws -> SegmentCreation
    {
        let text = JSONValue.array(constraints.map(\.jsonValue)).serialized()
        return try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM segment WHERE name = ?", arguments: [name]) == nil else {
                return .exists
            }
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM segment") ?? 0 < maximum else { return .full }
            try db.execute(sql: "INSERT INTO segment (name, constraints) VALUES (?, ?)", arguments: [name, text])
            let segment = Segment(id: Int(db.lastInsertedRowID), name: name, constraints: constraints)
            if let audit { try Self.insert(audit, db) }
            return .created(segment)
        }
    }

    public func partnerExists(_ id: String) async throws -> Bool {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT 1 FROM partner WHERE id = ?", arguments: [id]) != nil
        }
    }

    public func createMiniProgram(_ program: Catalog.MiniProgram) async throws -> Bool {
        try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM mini_program WHERE id = ?", arguments: [program.id]) == nil
            else { return false }
            try db.execute(
                sql: "INSERT INTO mini_program (id, partner_id, name, category) VALUES (?, ?, ?, ?)",
                arguments: [program.id, program.partnerId, program.name, program.category])
            return true
        }
    }

    public func miniProgram(id: String) async throws -> Catalog.MiniProgram? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM mini_program WHERE id = ?", arguments: [id]).map(Self.miniProgram)
        }
    }

    public func miniPrograms(partner: String?) async throws -> [Catalog.MiniProgram] {
        try await pool.read { db in
            if let partner {
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM mini_program WHERE partner_id = ? ORDER BY id", arguments: [partner]
                ).map(Self.miniProgram)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM mini_program ORDER BY id").map(Self.miniProgram)
        }
    }

    public func addVersion(
        _ version: MiniProgramVersion, report: String, uploadedBy: String, at: Date, audit: AuditEntry?
    ) async throws -> Bool {
        let scopes = try String(decoding: JSONEncoder().encode(version.scopes), as: UTF8.self)
        let domains = try String(decoding: JSONEncoder().encode(version.domains), as: UTF8.self)
        return try await pool.write { db in
            guard
                try Int.fetchOne(
                    db, sql: "SELECT 1 FROM version WHERE app_id = ? AND version = ?",
                    arguments: [version.appId, version.version.description]) == nil
            else { return false }
            try db.execute(
                sql: """
                    INSERT INTO version (app_id, version, sha256, size, scopes, domains, minimum_host_version, review_state,
                      report, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    version.appId, version.version.description, version.package.sha256, version.package.size, scopes,
                    domains,
                    version.minimumHostVersion?.description, version.reviewState.rawValue, report, uploadedBy,
                    at.timeIntervalSince1970,
                ])
            if let audit { try Self.insert(audit, db) }
            return true
        }
    }

    public func versions(appId: String) async throws -> [MiniProgramVersion] {
        let rows = try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM version WHERE app_id = ? ORDER BY uploaded_at, version", arguments: [appId])
        }
        return try rows.map(Self.versionFrom)
    }

    private static func versionFrom(_ row: Row) throws -> MiniProgramVersion {
        MiniProgramVersion(
            appId: row["app_id"], version: try row.requiredVersion("version", table: "version"),
            package: PackageReference(sha256: row["sha256"], size: row["size"]),
            scopes: try JSONDecoder().decode([ScopeRequest].self, from: Data((row["scopes"] as String).utf8)),
            domains: try JSONDecoder().decode([String].self, from: Data((row["domains"] as String).utf8)),
            minimumHostVersion: try row.version("minimum_host_version", table: "version"),
            reviewState: try row.decoded(MiniProgramVersion.ReviewState.self, "review_state", table: "version"))
    }

    private static func miniProgram(_ row: Row) -> Catalog.MiniProgram {
        Catalog.MiniProgram(id: row["id"], partnerId: row["partner_id"], name: row["name"], category: row["category"])
    }

    public func createAccount(_ account: Account, tokenHash: String, at: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO account (id, name, role, created_at) VALUES (?, ?, ?, ?)",
                arguments: [account.id, account.name, account.role.description, at.timeIntervalSince1970])
            try db.execute(
                sql: "INSERT INTO api_token (hash, account_id, created_at) VALUES (?, ?, ?)",
                arguments: [tokenHash, account.id, at.timeIntervalSince1970])
        }
    }

    public func accountExists(id: String) async throws -> Bool {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT 1 FROM account WHERE id = ?", arguments: [id]) != nil
        }
    }

    public func account(forTokenHash hash: String) async throws -> Account? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT account.id, account.name, account.role FROM api_token
                        JOIN account ON account.id = api_token.account_id
                        WHERE api_token.hash = ? AND api_token.revoked = 0
                        """, arguments: [hash])
            else { return nil }
            let text: String = row["role"]
            guard let role = Role(text) else { throw UnknownStoredValue(table: "account", column: "role", value: text) }
            return Account(id: row["id"], name: row["name"], role: role)
        }
    }

    public func hostApps() async throws -> [HostApp] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM host_app ORDER BY id").map(Self.hostApp)
        }
    }

    public func hostApp(id: String) async throws -> HostApp? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM host_app WHERE id = ?", arguments: [id]).map(Self.hostApp)
        }
    }

    public func saveHostApp(_ host: HostApp, audit: AuditEntry?) async throws {
        try await pool.write { db in
            try Self.insert(host, db)
            if let audit { try Self.insert(audit, db) }
        }
    }

    /// Inserts or updates a host app.
    private static func insert(_ host: HostApp, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO host_app (id, name, minimum_shell_version, active, expiry_grace_seconds)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name,
                  minimum_shell_version = excluded.minimum_shell_version, active = excluded.active,
                  expiry_grace_seconds = excluded.expiry_grace_seconds
                """,
            arguments: [
                host.id, host.name, host.minimumShellVersion?.description, host.active, host.expiryGraceSeconds,
            ])
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await pool.write { db in try Self.insert(entry, db) }
    }

    private static func insert(_ entry: AuditEntry, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (at, actor, action, target, reason) VALUES (?, ?, ?, ?, ?)",
            arguments: [entry.at.timeIntervalSince1970, entry.actor, entry.action, entry.target, entry.reason])
    }

    public func auditLog(limit: Int) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [max(0, limit)])
                .map { row in
                    AuditEntry(
                        at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"], action: row["action"],
                        target: row["target"], reason: row["reason"])
                }
        }
    }

    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    private static func hostApp(_ row: Row) throws -> HostApp {
        HostApp(
            id: row["id"], name: row["name"],
            minimumShellVersion: try row.version("minimum_shell_version", table: "host_app"),
            active: row["active"], expiryGraceSeconds: row["expiry_grace_seconds"])
    }
}
