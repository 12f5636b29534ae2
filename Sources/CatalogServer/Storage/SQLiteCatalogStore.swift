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
        return migrator
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

    public func account(forTokenHash hash: String) async throws -> Account? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT account.id, account.name, account.role FROM api_token
                        JOIN account ON account.id = api_token.account_id
                        WHERE api_token.hash = ? AND api_token.revoked = 0
                        """, arguments: [hash]),
                let role = Role(row["role"] as String)
            else { return nil }
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

    public func saveHostApp(_ host: HostApp) async throws {
        try await pool.write { db in
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
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO audit_log (at, actor, action, target, reason) VALUES (?, ?, ?, ?, ?)",
                arguments: [entry.at.timeIntervalSince1970, entry.actor, entry.action, entry.target, entry.reason])
        }
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

    private static func hostApp(_ row: Row) -> HostApp {
        HostApp(
            id: row["id"], name: row["name"],
            minimumShellVersion: (row["minimum_shell_version"] as String?).flatMap { SemanticVersion($0) },
            active: row["active"], expiryGraceSeconds: row["expiry_grace_seconds"])
    }
}
