import Catalog
import Foundation
import GRDB
import MiniKit
import MiniSupport

/// Partners, mini-programs, versions and their reviews.
extension SQLiteCatalogStore {
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

    public func packageOwners(sha256: String) async throws -> Set<String> {
        try await pool.read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT DISTINCT m.partner_id FROM version v JOIN mini_program m ON m.id = v.app_id WHERE v.sha256 = ?",
                    arguments: [sha256]))
        }
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

    static func storedVersion(_ row: Row, _ db: Database) throws -> StoredVersion {
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

    public func partnerName(_ id: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT name FROM partner WHERE id = ?", arguments: [id])
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
        let texts = try String(decoding: JSONEncoder().encode(version.texts), as: UTF8.self)
        return try await pool.write { db in
            guard
                try Int.fetchOne(
                    db, sql: "SELECT 1 FROM version WHERE app_id = ? AND version = ?",
                    arguments: [version.appId, version.version.description]) == nil
            else { return false }
            try db.execute(
                sql: """
                    INSERT INTO version (app_id, version, sha256, size, scopes, domains, minimum_host_version, review_state,
                      report, uploaded_by, uploaded_at, texts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    version.appId, version.version.description, version.package.sha256, version.package.size, scopes,
                    domains,
                    version.minimumHostVersion?.description, version.reviewState.rawValue, report, uploadedBy,
                    at.timeIntervalSince1970, texts,
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

    static func versionFrom(_ row: Row) throws -> MiniProgramVersion {
        MiniProgramVersion(
            appId: row["app_id"], version: try row.requiredVersion("version", table: "version"),
            package: PackageReference(sha256: row["sha256"], size: row["size"]),
            scopes: try JSONDecoder().decode([ScopeRequest].self, from: Data((row["scopes"] as String).utf8)),
            domains: try JSONDecoder().decode([String].self, from: Data((row["domains"] as String).utf8)),
            minimumHostVersion: try row.version("minimum_host_version", table: "version"),
            reviewState: try row.decoded(MiniProgramVersion.ReviewState.self, "review_state", table: "version"),
            texts: try JSONDecoder().decode(ProgramTexts.self, from: Data((row["texts"] as String).utf8)))
    }

    static func miniProgram(_ row: Row) -> Catalog.MiniProgram {
        Catalog.MiniProgram(id: row["id"], partnerId: row["partner_id"], name: row["name"], category: row["category"])
    }
}
