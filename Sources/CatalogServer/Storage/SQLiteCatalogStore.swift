import Catalog
import Foundation
import GRDB
import MiniKit

/// The embedded store: one SQLite file in the data folder, in WAL mode, migrated on open.
public final class SQLiteCatalogStore: CatalogStore {
    let pool: DatabasePool
    /// The database file.
    public let path: String

    /// Opens (creating if needed) `catalog.sqlite` in `directory` and brings its schema up to date.
    public convenience init(directory: URL) throws {
        try self.init(file: directory.appendingPathComponent("catalog.sqlite"))
    }

    /// Opens (creating if needed) the database file and brings its schema up to date.
    public init(file: URL) throws {
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        path = file.path
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
        migrator.registerMigration("v9: enrolled devices and their signed acknowledgements") { db in
            // Acknowledgements a host-key holder could post for any shell id prove nothing: they go.
            try db.drop(table: "acknowledgement")
            try db.create(table: "device") { table in
                table.primaryKey("id", .text)
                table.column("host_id", .text).notNull().references("host_app", onDelete: .cascade)
                table.column("public_key", .text).notNull()
                table.column("token_hash", .text).notNull().unique()
                table.column("enrolled_at", .double).notNull()
                table.column("last_seen_at", .double).notNull()
                table.column("revoked_at", .double)
                table.column("revoke_reason", .text)
                table.uniqueKey(["host_id", "public_key"])
            }
            try db.create(table: "device_ack") { table in
                table.primaryKey("device_id", .text).references("device", onDelete: .cascade)
                table.column("host_id", .text).notNull()
                table.column("body", .text).notNull()
                table.column("received_at", .double).notNull()
            }
        }
        migrator.registerMigration("v10: whom a host's catalog believes about its users") { db in
            // JSON arrays: the user-signing public keys (base64) and the client-supplied property names.
            try db.alter(table: "host_app") { table in
                table.add(column: "user_keys", .text).notNull().defaults(to: "[]")
                table.add(column: "client_properties", .text).notNull().defaults(to: "[]")
            }
        }
        migrator.registerMigration("v11: catalog events signed at commit") { db in
            try db.alter(table: "event") { table in
                table.add(column: "signed_by", .text)
                table.add(column: "envelope", .text)
            }
        }
        migrator.registerMigration("v12: versions' descriptions and translations") { db in
            try db.alter(table: "version") { table in table.add(column: "texts", .text).notNull().defaults(to: "{}") }
        }
        migrator.registerMigration("v13: complaints and bridge activity reported by shells") { db in
            try db.execute(sql: SQLiteCatalogStore.reportTables)
        }
        migrator.registerMigration("v14: how host apps present themselves") { db in
            try db.alter(table: "host_app") { table in table.add(column: "brand", .text) }
        }
        migrator.registerMigration("v15: organisations, their offers, and who delisted") { db in
            try db.execute(sql: SQLiteCatalogStore.organisationTables)
        }
        return migrator
    }

    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}
