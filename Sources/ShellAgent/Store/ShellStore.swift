import Catalog
import Foundation
import GRDB
import MiniKit
import MiniSupport
import Synchronization

/// The shell's local state: one SQLite file (WAL) in its data folder. Pinned key, the last accepted catalog
/// per (host, user), the last accepted event per host, installed packages, tombstones, consents, per-app
/// storage, notices for users, purges not yet acknowledged, and a bounded sync log.
///
/// Every method is one transaction, so `kill -9` at any point leaves either the old state or the new one.
public final class ShellStore: Sendable {
    let queue: DatabaseQueue
    public let directory: URL
    /// The last decoded catalog per (host, user), with the row's version and issue time: the agent, the launch
    /// gate and the screens read catalogs on every launch and event, and decoding one is not free.
    let decoded = Mutex<[String: (version: Int64, issuedAt: Double, snapshot: CatalogSnapshot)]>([:])
    /// Whether the recall statements are compiled in the connection (once is enough: they stay cached).
    let recallStatementsReady = Mutex(false)

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
        migrator.registerMigration("v3: notices keep the service's name and the reason, not English sentences") {
            db in
            try db.execute(sql: "ALTER TABLE notice RENAME COLUMN title TO service")
            try db.execute(sql: "ALTER TABLE notice RENAME COLUMN message TO reason")
            // Older rows hold sentences, not reasons: they were shown when they happened.
            try db.execute(sql: "UPDATE notice SET seen = 1")
        }
        migrator.registerMigration("v4: device enrolment") { db in
            try db.create(table: "device_credential") { table in
                table.primaryKey("host_id", .text)
                table.column("device_id", .text).notNull()
                table.column("token", .text).notNull()
            }
        }
        migrator.registerMigration("v5: server key rotation") { db in
            // A key a rotation statement retired stays known (so an old --server-key is not a mismatch), but its
            // signatures are refused.
            try db.alter(table: "pinned_key") { table in table.add(column: "retired_at", .double) }
        }
        migrator.registerMigration("v6: the demo bank's payments per customer") { db in
            // The bank's own record, not a mini-program's data: a recall does not delete it.
            try db.create(table: "payment") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("user_id", .text).notNull()
                table.column("account", .text).notNull()
                table.column("day", .text).notNull()
                table.column("text", .text).notNull()
                table.column("amount", .double).notNull()
            }
            try db.create(index: "payment_by_user", on: "payment", columns: ["user_id", "account"])
        }
        migrator.registerMigration("v7: when each customer's list first had each service") { db in
            try db.create(table: "seen_service") { table in
                table.column("user_id", .text).notNull()
                table.column("app_id", .text).notNull()
                table.column("first_seen", .double).notNull()
                table.primaryKey(["user_id", "app_id"])
            }
        }
        migrator.registerMigration("v8: reports waiting to be sent: complaints and bridge activity") { db in
            try db.create(table: "outbox_complaint") { table in
                table.primaryKey("id", .text)
                table.column("host_id", .text).notNull()
                table.column("app_id", .text).notNull()
                table.column("version", .text)
                table.column("reason", .text).notNull()
                table.column("text", .text).notNull()
                table.column("at", .double).notNull()
                table.column("in_flight", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "outbox_activity") { table in
                table.primaryKey("id", .text)
                table.column("host_id", .text).notNull()
                table.column("app_id", .text).notNull()
                table.column("version", .text)
                table.column("kind", .text).notNull()
                table.column("name", .text).notNull()
                table.column("outcome", .text).notNull()
                table.column("count", .integer).notNull()
                table.column("first", .double).notNull()
                table.column("last", .double).notNull()
                table.column("in_flight", .boolean).notNull().defaults(to: false)
            }
        }
        migrator.registerMigration("v9: each customer's favourite and recently used services") { db in
            try db.create(table: "favourite") { table in
                table.column("user_id", .text).notNull()
                table.column("app_id", .text).notNull()
                table.column("added_at", .double).notNull()
                table.primaryKey(["user_id", "app_id"])
            }
            try db.create(table: "recent") { table in
                table.column("user_id", .text).notNull()
                table.column("app_id", .text).notNull()
                table.column("opened_at", .double).notNull()
                table.primaryKey(["user_id", "app_id"])
            }
        }
        return migrator
    }

    // MARK: Rows

    static func insertTombstone(_ tombstone: Tombstone, host: String, _ db: Database) throws {
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

    static func tombstone(_ row: Row) -> Tombstone {
        Tombstone(
            appId: row["app_id"], delistedAt: Date(timeIntervalSince1970: row["delisted_at"]), reason: row["reason"],
            sequence: UInt64(row["sequence"] as Int64))
    }

    static func installed(_ row: Row) -> InstalledPackage? {
        guard let version = SemanticVersion(row["version"] as String) else { return nil }
        return InstalledPackage(appId: row["app_id"], version: version, sha256: row["sha256"], size: row["size"])
    }
}

extension Database {
    /// Runs a statement compiled once per connection (compiling costs more than running these small ones).
    func run(_ sql: String, _ arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
