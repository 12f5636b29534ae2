import Catalog
import Foundation
import GRDB
import MiniKit
import Synchronization

/// The shell's local state: one SQLite file (WAL) in its data folder. Pinned key, the last accepted catalog
/// per (host, user), the last accepted event per host, installed packages, tombstones, consents, per-app
/// storage, notices for users, purges not yet acknowledged, and a bounded sync log.
///
/// Every method is one transaction, so `kill -9` at any point leaves either the old state or the new one.
public final class ShellStore: Sendable {
    private let queue: DatabaseQueue
    public let directory: URL
    /// The last decoded catalog per (host, user), with the row's version and issue time: the agent, the launch
    /// gate and the screens read catalogs on every launch and event, and decoding one is not free.
    private let decoded = Mutex<[String: (version: Int64, issuedAt: Double, snapshot: CatalogSnapshot)]>([:])
    /// Whether the recall statements are compiled in the connection (once is enough: they stay cached).
    private let recallStatementsReady = Mutex(false)

    /// Opens (or creates) `DIR/shell.sqlite`.
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Small pages: a recall touches a dozen tables, and every touched page becomes a frame in the WAL.
            // (Takes effect when the file is created.)
            try db.execute(sql: "PRAGMA page_size = 1024")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Deleted rows (a recalled app's data) are overwritten, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        configuration.busyMode = .timeout(5)
        queue = try DatabaseQueue(
            path: directory.appendingPathComponent("shell.sqlite").path, configuration: configuration)
        try Self.migrator.migrate(queue)
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: shell state") { db in
            try db.create(table: "pinned_key") { table in
                table.primaryKey("keyid", .text)
                table.column("public_key", .text).notNull()
            }
            try db.create(table: "catalog") { table in
                table.column("host_id", .text).notNull()
                table.column("user_id", .text).notNull()
                table.column("catalog_version", .integer).notNull()
                table.column("event_sequence", .integer).notNull()
                table.column("issued_at", .double).notNull()
                table.column("expires_at", .double).notNull()
                table.column("grace", .double).notNull()
                table.column("envelope", .blob).notNull()
                table.column("etag", .text)
                table.column("fetched_at", .double).notNull()
                table.primaryKey(["host_id", "user_id"])
            }
            try db.create(table: "event_state") { table in
                table.primaryKey("host_id", .text)
                table.column("sequence", .integer).notNull()
                table.column("issued_at", .double).notNull()
            }
            try db.create(table: "installed") { table in
                table.primaryKey("sha256", .text)
                table.column("app_id", .text).notNull().indexed()
                table.column("version", .text).notNull()
                table.column("size", .integer).notNull()
                table.column("installed_at", .double).notNull()
            }
            try db.create(table: "tombstone") { table in
                table.column("host_id", .text).notNull()
                table.column("app_id", .text).notNull()
                table.column("sequence", .integer).notNull()
                table.column("reason", .text).notNull()
                table.column("delisted_at", .double).notNull()
                table.primaryKey(["host_id", "app_id"])
            }
            try db.create(table: "consent") { table in
                table.column("user_id", .text).notNull()
                table.column("app_id", .text).notNull()
                table.column("scope", .text).notNull()
                table.column("granted", .boolean).notNull()
                table.primaryKey(["user_id", "app_id", "scope"])
            }
            try db.create(table: "storage") { table in
                table.column("user_id", .text).notNull()
                table.column("app_id", .text).notNull()
                table.column("key", .text).notNull()
                table.column("value", .text).notNull()
                table.primaryKey(["user_id", "app_id", "key"])
            }
            try db.create(table: "notice") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("app_id", .text).notNull()
                table.column("title", .text).notNull()
                table.column("message", .text).notNull()
                table.column("at", .double).notNull()
                table.column("seen", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "purge") { table in
                table.column("host_id", .text).notNull()
                table.column("app_id", .text).notNull()
                table.column("at", .double).notNull()
                table.column("acknowledged", .boolean).notNull().defaults(to: false)
                table.primaryKey(["host_id", "app_id"])
            }
            try db.create(table: "sync_log") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("at", .double).notNull()
                table.column("kind", .text).notNull()
                table.column("detail", .text).notNull()
            }
        }
        migrator.registerMigration("v2: per-app indexes for recalls") { db in
            try db.create(index: "storage_by_app", on: "storage", columns: ["app_id"])
            try db.create(index: "consent_by_app", on: "consent", columns: ["app_id"])
        }
        return migrator
    }

    // MARK: Keys

    /// The pinned server keys (empty before the first pin).
    public func pinnedKeys() throws -> [VerificationKey] {
        try queue.read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT public_key FROM pinned_key ORDER BY keyid")).compactMap
            {
                try? VerificationKey(base64: $0)
            }
        }
    }

    /// Pins keys (replacing none: a pinned key stays until the data folder is reset).
    public func pin(_ keys: [VerificationKey]) throws {
        try queue.write { db in
            for key in keys {
                try db.run(
                    "INSERT OR IGNORE INTO pinned_key (keyid, public_key) VALUES (?, ?)",
                    [key.keyID.rawValue, key.base64])
            }
        }
    }

    // MARK: Catalogs

    /// The last accepted catalog of a user on a host.
    public struct StoredCatalog: Sendable {
        public var snapshot: CatalogSnapshot
        public var etag: String?
        public var fetchedAt: Date
        /// When launching stops without a refresh: expiry plus the host's grace.
        public var launchableUntil: Date {
            snapshot.expiresAt.addingTimeInterval(TimeInterval(snapshot.expiryGraceSeconds ?? 0))
        }
    }

    /// The stored catalog, decoded only when the row changed since the last call.
    public func catalog(host: String, user: String) throws -> StoredCatalog? {
        let key = "\(host)\u{0}\(user)"
        let memo = decoded.withLock { $0[key] }
        let row = try queue.read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT catalog_version, issued_at, etag, fetched_at FROM catalog WHERE host_id = ? AND user_id = ?"
                ), arguments: [host, user])
        }
        guard let row else { return nil }
        let version: Int64 = row["catalog_version"]
        let issuedAt: Double = row["issued_at"]
        let snapshot: CatalogSnapshot
        if let memo, memo.version == version, memo.issuedAt == issuedAt {
            snapshot = memo.snapshot
        } else {
            guard
                let changed = try queue.read({ db in
                    try Row.fetchOne(
                        db.cachedStatement(
                            sql:
                                "SELECT catalog_version, issued_at, envelope FROM catalog WHERE host_id = ? AND user_id = ?"
                        ), arguments: [host, user])
                })
            else { return nil }
            snapshot = try CatalogSnapshot(wire: try SignedEnvelope(wire: changed["envelope"]).payload)
            decoded.withLock { memos in
                if memos.count >= 16 { memos.removeAll() }  // a handful of users per shell
                memos[key] = (changed["catalog_version"], changed["issued_at"], snapshot)
            }
        }
        return StoredCatalog(
            snapshot: snapshot, etag: row["etag"], fetchedAt: Date(timeIntervalSince1970: row["fetched_at"]))
    }

    /// Keeps a verified catalog and, in the same transaction, the tombstones it carries and the end of any
    /// local tombstone the catalog lists again (a relisting).
    ///
    /// Only a newer catalog replaces the stored one (a higher version, or the same version issued later);
    /// returns false, changing nothing, for an older one.
    @discardableResult
    public func saveCatalog(_ snapshot: CatalogSnapshot, envelope: Data, etag: String?, at: Date) throws -> Bool {
        try queue.write { db in
            try db.run(
                """
                INSERT INTO catalog (host_id, user_id, catalog_version, event_sequence, issued_at, expires_at, grace,
                  envelope, etag, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(host_id, user_id) DO UPDATE SET catalog_version = excluded.catalog_version,
                  event_sequence = excluded.event_sequence, issued_at = excluded.issued_at,
                  expires_at = excluded.expires_at, grace = excluded.grace, envelope = excluded.envelope,
                  etag = excluded.etag, fetched_at = excluded.fetched_at
                WHERE excluded.catalog_version > catalog.catalog_version
                  OR (excluded.catalog_version = catalog.catalog_version AND excluded.issued_at >= catalog.issued_at)
                """,
                [
                    snapshot.hostId, snapshot.userId, Int64(snapshot.catalogVersion), Int64(snapshot.eventSequence),
                    snapshot.issuedAt.timeIntervalSince1970, snapshot.expiresAt.timeIntervalSince1970,
                    Double(snapshot.expiryGraceSeconds ?? 0), envelope, etag, at.timeIntervalSince1970,
                ])
            guard db.changesCount > 0 else { return false }
            for tombstone in snapshot.tombstones {
                try Self.insertTombstone(tombstone, host: snapshot.hostId, db)
            }
            // Listed again after a delisting with a later sequence: the tombstone ends.
            for entry in snapshot.entries {
                try db.run(
                    "DELETE FROM tombstone WHERE host_id = ? AND app_id = ? AND sequence <= ?",
                    [snapshot.hostId, entry.appId, Int64(snapshot.eventSequence)])
                if db.changesCount > 0 {
                    try db.run(
                        "DELETE FROM purge WHERE host_id = ? AND app_id = ? AND acknowledged = 1",
                        [snapshot.hostId, entry.appId])
                }
            }
            return true
        }
    }

    /// Marks that the catalog was confirmed unchanged (a 304).
    public func touchCatalog(host: String, user: String, at: Date) throws {
        try queue.write { db in
            try db.run(
                "UPDATE catalog SET fetched_at = ? WHERE host_id = ? AND user_id = ?",
                [at.timeIntervalSince1970, host, user])
        }
    }

    /// Every package hash that some stored catalog of any user lists.
    public func referencedPackages() throws -> Set<String> {
        let owners = try queue.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT host_id, user_id FROM catalog")).map {
                (host: $0["host_id"] as String, user: $0["user_id"] as String)
            }
        }
        var hashes = Set<String>()
        for owner in owners {
            guard let stored = try? catalog(host: owner.host, user: owner.user) else { continue }
            for entry in stored.snapshot.entries { hashes.insert(entry.package.sha256) }
        }
        return hashes
    }

    // MARK: Events

    /// The last accepted event of a host: its sequence and when it was issued.
    public func lastEvent(host: String) throws -> (sequence: UInt64, issuedAt: Date)? {
        try queue.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM event_state WHERE host_id = ?"), arguments: [host])
                .map {
                    (UInt64($0["sequence"] as Int64), Date(timeIntervalSince1970: $0["issued_at"]))
                }
        }
    }

    public func saveLastEvent(host: String, sequence: UInt64, issuedAt: Date) throws {
        try queue.write { db in try Self.saveLastEvent(host, sequence, issuedAt, db) }
    }

    private static func saveLastEvent(_ host: String, _ sequence: UInt64, _ issuedAt: Date, _ db: Database) throws {
        try db.run(
            """
            INSERT INTO event_state (host_id, sequence, issued_at) VALUES (?, ?, ?)
            ON CONFLICT(host_id) DO UPDATE SET sequence = excluded.sequence, issued_at = excluded.issued_at
            WHERE excluded.sequence > event_state.sequence
            """, [host, Int64(sequence), issuedAt.timeIntervalSince1970])
    }

    // MARK: Tombstones and purges

    /// A tombstone for this host's copy of a mini-program.
    public func tombstone(host: String, app: String) throws -> Tombstone? {
        try queue.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM tombstone WHERE host_id = ? AND app_id = ?"),
                arguments: [host, app]
            ).map(Self.tombstone)
        }
    }

    public func tombstones(host: String) throws -> [Tombstone] {
        try queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM tombstone WHERE host_id = ? ORDER BY app_id"), arguments: [host]
            )
            .map(Self.tombstone)
        }
    }

    /// Records a recall in one transaction: the tombstone (launching stops here), the app's packages leave the
    /// installed list, every user's storage and consents for it are deleted, a notice for users, and a purge
    /// to acknowledge. Returns the package hashes whose folders the caller deletes next, or nil when the shell
    /// held nothing of the mini-program (then only the tombstone is recorded).
    /// The event that brought the recall (`lastEvent`) and a sync log line are recorded in it too.
    public func recall(
        _ tombstone: Tombstone, host: String, name: String, at: Date, lastEvent: (UInt64, Date)? = nil,
        log: String? = nil
    ) throws -> [String]? {
        try queue.write { db in
            try Self.recall(tombstone, host: host, name: name, at: at, lastEvent: lastEvent, log: log, db)
        }
    }

    private static func recall(
        _ tombstone: Tombstone, host: String, name: String, at: Date, lastEvent: (UInt64, Date)?, log: String?,
        _ db: Database
    ) throws -> [String]? {
        if let (sequence, issuedAt) = lastEvent { try Self.saveLastEvent(host, sequence, issuedAt, db) }
        try Self.insertTombstone(tombstone, host: host, db)
        let hashes = try String.fetchAll(
            db.cachedStatement(sql: "SELECT sha256 FROM installed WHERE app_id = ?"), arguments: [tombstone.appId])
        let data =
            try Int.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT (SELECT COUNT(*) FROM storage WHERE app_id = ?) + (SELECT COUNT(*) FROM consent WHERE app_id = ?)"
                ), arguments: [tombstone.appId, tombstone.appId]) ?? 0
        // Nothing of it on this shell (never installed, or purged already): the tombstone alone blocks it.
        guard !hashes.isEmpty || data > 0 else { return nil }
        if let log { try Self.insertLog("recall", log, at: at, db) }
        try db.run("DELETE FROM installed WHERE app_id = ?", [tombstone.appId])
        try db.run("DELETE FROM storage WHERE app_id = ?", [tombstone.appId])
        try db.run("DELETE FROM consent WHERE app_id = ?", [tombstone.appId])
        let alreadyNoticed =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM purge WHERE host_id = ? AND app_id = ?"),
                arguments: [host, tombstone.appId])
            != nil
        if !alreadyNoticed {
            try db.run(
                "INSERT INTO notice (app_id, title, message, at) VALUES (?, ?, ?, ?)",
                [
                    tombstone.appId, "\(name) was taken down",
                    "\(name) is no longer available: \(tombstone.reason). Its data on this device was deleted.",
                    at.timeIntervalSince1970,
                ])
        }
        try db.run(
            """
            INSERT INTO purge (host_id, app_id, at, acknowledged) VALUES (?, ?, ?, 0)
            ON CONFLICT(host_id, app_id) DO UPDATE SET at = excluded.at, acknowledged = 0
            """, [host, tombstone.appId, at.timeIntervalSince1970])
        return hashes
    }

    /// Readies the recall path so that a recall, which must be fast, does not compile SQL: runs a recall of a
    /// probe inside a savepoint that is rolled back (its statements stay compiled in the connection's cache).
    /// Changes nothing.
    public func prepareForRecalls() throws {
        guard !recallStatementsReady.withLock({ $0 }) else { return }
        try queue.inDatabase { db in
            try db.inSavepoint {
                let probe = Tombstone(appId: "\u{1}probe", delistedAt: Date(), reason: "probe", sequence: 0)
                try db.run(
                    "INSERT INTO installed (sha256, app_id, version, size, installed_at) VALUES (?, ?, '0.0.0', 0, 0)",
                    ["\u{1}probe", probe.appId])
                _ = try Self.recall(
                    probe, host: "\u{1}probe", name: "probe", at: Date(), lastEvent: (0, Date()), log: "probe", db)
                return .rollback
            }
        }
        recallStatementsReady.withLock { $0 = true }
    }

    /// Purges not yet acknowledged to the server.
    public func pendingPurges(host: String) throws -> [String] {
        try queue.read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT app_id FROM purge WHERE host_id = ? AND acknowledged = 0 ORDER BY app_id"),
                arguments: [host])
        }
    }

    public func markPurgesAcknowledged(host: String, apps: [String]) throws {
        try queue.write { db in
            for app in apps {
                try db.run("UPDATE purge SET acknowledged = 1 WHERE host_id = ? AND app_id = ?", [host, app])
            }
        }
    }

    // MARK: Installed packages

    /// One installed package.
    public struct InstalledPackage: Sendable, Hashable {
        public var appId: String
        public var version: SemanticVersion
        public var sha256: String
        public var size: Int

        public init(appId: String, version: SemanticVersion, sha256: String, size: Int) {
            self.appId = appId
            self.version = version
            self.sha256 = sha256
            self.size = size
        }
    }

    public func installed() throws -> [InstalledPackage] {
        try queue.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM installed ORDER BY app_id, version")).compactMap(
                Self.installed)
        }
    }

    public func installed(sha256: String) throws -> InstalledPackage? {
        try queue.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM installed WHERE sha256 = ?"), arguments: [sha256])
                .flatMap(
                    Self.installed)
        }
    }

    /// Records an installed package, unless its mini-program was recalled meanwhile (false then).
    public func recordInstalled(_ package: InstalledPackage, host: String, at: Date) throws -> Bool {
        try queue.write { db in
            guard
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT 1 FROM tombstone WHERE host_id = ? AND app_id = ?"),
                    arguments: [host, package.appId]) == nil
            else { return false }
            try db.run(
                """
                INSERT OR REPLACE INTO installed (sha256, app_id, version, size, installed_at)
                VALUES (?, ?, ?, ?, ?)
                """,
                [
                    package.sha256, package.appId, package.version.description, package.size, at.timeIntervalSince1970,
                ])
            return true
        }
    }

    public func removeInstalled(sha256: String) throws {
        try queue.write { db in try db.run("DELETE FROM installed WHERE sha256 = ?", [sha256]) }
    }

    // MARK: Consents, storage, notices

    public func consent(user: String, app: String, scope: String) throws -> Bool? {
        try queue.read { db in
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT granted FROM consent WHERE user_id = ? AND app_id = ? AND scope = ?"),
                arguments: [user, app, scope])
        }
    }

    public func setConsent(user: String, app: String, scope: String, granted: Bool) throws {
        try queue.write { db in
            try Self.refuseIfRecalled(app, db)
            try db.run(
                "INSERT OR REPLACE INTO consent (user_id, app_id, scope, granted) VALUES (?, ?, ?, ?)",
                [user, app, scope, granted])
        }
    }

    /// Forgets an answer (granted or denied): the mini-program asks again the next time.
    public func forgetConsent(user: String, app: String, scope: String) throws {
        try queue.write { db in
            try db.run("DELETE FROM consent WHERE user_id = ? AND app_id = ? AND scope = ?", [user, app, scope])
        }
    }

    public func storageValue(user: String, app: String, key: String) throws -> String? {
        try queue.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT value FROM storage WHERE user_id = ? AND app_id = ? AND key = ?"),
                arguments: [user, app, key])
        }
    }

    /// Refused for a recalled mini-program: an instance still closing must not write data back.
    public func setStorageValue(_ value: String?, user: String, app: String, key: String) throws {
        try queue.write { db in
            try Self.refuseIfRecalled(app, db)
            if let value {
                try db.run(
                    "INSERT OR REPLACE INTO storage (user_id, app_id, key, value) VALUES (?, ?, ?, ?)",
                    [user, app, key, value])
            } else {
                try db.run(
                    "DELETE FROM storage WHERE user_id = ? AND app_id = ? AND key = ?",
                    [user, app, key])
            }
        }
    }

    private static func refuseIfRecalled(_ app: String, _ db: Database) throws {
        if try Int.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM tombstone WHERE app_id = ? LIMIT 1"), arguments: [app])
            != nil
        {
            throw Recalled(appId: app)
        }
    }

    /// A write for a mini-program that was taken down.
    public struct Recalled: Error, CustomStringConvertible {
        public var appId: String
        public var description: String { "\(appId) was taken down: its data is not kept" }
    }

    /// A mini-program's stored keys and values for a user.
    public func storageEntries(user: String, app: String) throws -> [(key: String, value: String)] {
        try queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT key, value FROM storage WHERE user_id = ? AND app_id = ? ORDER BY key"),
                arguments: [user, app]
            ).map { ($0["key"], $0["value"]) }
        }
    }

    /// A user's consent decisions, by mini-program and scope.
    public func consents(user: String) throws -> [(app: String, scope: String, granted: Bool)] {
        try queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT app_id, scope, granted FROM consent WHERE user_id = ? ORDER BY app_id, scope"),
                arguments: [user]
            ).map { ($0["app_id"], $0["scope"], $0["granted"]) }
        }
    }

    /// What each mini-program keeps for a user: keys and bytes.
    public func storageUse(user: String) throws -> [(app: String, keys: Int, bytes: Int)] {
        try queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT app_id, COUNT(*) AS keys, SUM(LENGTH(key) + LENGTH(value)) AS bytes FROM storage WHERE user_id = ? GROUP BY app_id ORDER BY app_id"
                ), arguments: [user]
            ).map { ($0["app_id"], $0["keys"], $0["bytes"] ?? 0) }
        }
    }

    /// Forgets every installed package (clearing the cache); returns their hashes, whose folders the caller
    /// deletes. The agent downloads what the catalog lists again.
    public func forgetInstalled() throws -> [String] {
        try queue.write { db in
            let hashes = try String.fetchAll(db.cachedStatement(sql: "SELECT sha256 FROM installed"))
            try db.run("DELETE FROM installed")
            return hashes
        }
    }

    /// Rows of storage and consents a mini-program has on this shell (for every user).
    public func dataRows(app: String) throws -> Int {
        try queue.read { db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM storage WHERE app_id = ?"), arguments: [app])!
                + Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM consent WHERE app_id = ?"), arguments: [app])!
        }
    }

    /// A notice for the user: a mini-program was taken down.
    public struct Notice: Sendable, Hashable {
        public var id: Int64
        public var appId: String
        public var title: String
        public var message: String
        public var at: Date
        public var seen: Bool
    }

    public func notices() throws -> [Notice] {
        try queue.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM notice ORDER BY id DESC LIMIT 100")).map { row in
                Notice(
                    id: row["id"], appId: row["app_id"], title: row["title"], message: row["message"],
                    at: Date(timeIntervalSince1970: row["at"]), seen: row["seen"])
            }
        }
    }

    public func markNoticeSeen(_ id: Int64) throws {
        try queue.write { db in try db.run("UPDATE notice SET seen = 1 WHERE id = ?", [id]) }
    }

    // MARK: Sync log

    /// One line of the sync log (what the agent did, refused or noticed).
    public struct LogLine: Sendable, Hashable {
        public var at: Date
        public var kind: String
        public var detail: String
    }

    public func log(_ kind: String, _ detail: String, at: Date) throws {
        try queue.write { db in try Self.insertLog(kind, detail, at: at, db) }
    }

    private static func insertLog(_ kind: String, _ detail: String, at: Date, _ db: Database) throws {
        try db.run(
            "INSERT INTO sync_log (at, kind, detail) VALUES (?, ?, ?)",
            [at.timeIntervalSince1970, kind, String(detail.prefix(2_000))])
        // Bounded: the newest 1,000 lines stay.
        try db.run("DELETE FROM sync_log WHERE id <= (SELECT MAX(id) FROM sync_log) - 1000")
    }

    public func logLines(limit: Int = 200) throws -> [LogLine] {
        try queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM sync_log ORDER BY id DESC LIMIT ?"), arguments: [limit]
            ).map {
                LogLine(at: Date(timeIntervalSince1970: $0["at"]), kind: $0["kind"], detail: $0["detail"])
            }
        }
    }

    // MARK: Rows

    private static func insertTombstone(_ tombstone: Tombstone, host: String, _ db: Database) throws {
        try db.run(
            """
            INSERT INTO tombstone (host_id, app_id, sequence, reason, delisted_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(host_id, app_id) DO UPDATE SET sequence = excluded.sequence, reason = excluded.reason,
              delisted_at = excluded.delisted_at WHERE excluded.sequence >= tombstone.sequence
            """,
            [
                host, tombstone.appId, Int64(tombstone.sequence), tombstone.reason,
                tombstone.delistedAt.timeIntervalSince1970,
            ])
    }

    private static func tombstone(_ row: Row) -> Tombstone {
        Tombstone(
            appId: row["app_id"], delistedAt: Date(timeIntervalSince1970: row["delisted_at"]), reason: row["reason"],
            sequence: UInt64(row["sequence"] as Int64))
    }

    private static func installed(_ row: Row) -> InstalledPackage? {
        guard let version = SemanticVersion(row["version"] as String) else { return nil }
        return InstalledPackage(appId: row["app_id"], version: version, sha256: row["sha256"], size: row["size"])
    }
}

extension Database {
    /// Runs a statement compiled once per connection (compiling costs more than running these small ones).
    fileprivate func run(_ sql: String, _ arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
