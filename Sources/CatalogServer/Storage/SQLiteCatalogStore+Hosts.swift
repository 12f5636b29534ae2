import Catalog
import Foundation
import GRDB
import MiniKit
import MiniSupport

/// Host apps and their keys.
extension SQLiteCatalogStore {
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

    public func setHostActive(hostId: String, active: Bool, audit: AuditEntry?) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE host_app SET active = ? WHERE id = ?", arguments: [active, hostId])
            guard db.changesCount > 0 else { return false }
            if let audit { try Self.insert(audit, db) }
            return true
        }
    }

    public func setUserTrust(hostId: String, userKeys: [String], clientProperties: [String], audit: AuditEntry?)
        async throws -> Bool
    {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE host_app SET user_keys = ?, client_properties = ? WHERE id = ?",
                arguments: [StoredList.text(userKeys), StoredList.text(clientProperties), hostId])
            guard db.changesCount > 0 else { return false }
            if let audit { try Self.insert(audit, db) }
            return true
        }
    }

    public func setBrand(hostId: String, brand: HostBrand?, audit: AuditEntry?) async throws -> Bool {
        let text = try StoredBrand.text(brand)
        return try await pool.write { db in
            try db.execute(sql: "UPDATE host_app SET brand = ? WHERE id = ?", arguments: [text, hostId])
            guard db.changesCount > 0 else { return false }
            if let audit { try Self.insert(audit, db) }
            return true
        }
    }

    /// Inserts or updates a host app.
    static func insert(_ host: HostApp, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO host_app (id, name, minimum_shell_version, active, expiry_grace_seconds, user_keys,
                  client_properties, brand, organisation)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name,
                  minimum_shell_version = excluded.minimum_shell_version, active = excluded.active,
                  expiry_grace_seconds = excluded.expiry_grace_seconds, user_keys = excluded.user_keys,
                  client_properties = excluded.client_properties, brand = excluded.brand,
                  organisation = excluded.organisation
                """,
            arguments: [
                host.id, host.name, host.minimumShellVersion?.description, host.active, host.expiryGraceSeconds,
                StoredList.text(host.userKeys), StoredList.text(host.clientProperties),
                try StoredBrand.text(host.brand), host.organisation,
            ])
    }

    static func hostApp(_ row: Row) throws -> HostApp {
        HostApp(
            id: row["id"], name: row["name"],
            minimumShellVersion: try row.version("minimum_shell_version", table: "host_app"),
            active: row["active"], expiryGraceSeconds: row["expiry_grace_seconds"],
            userKeys: try row.textList("user_keys", table: "host_app"),
            clientProperties: try row.textList("client_properties", table: "host_app"),
            brand: try StoredBrand.brand(row["brand"]), organisation: row["organisation"])
    }

    public func organisations() async throws -> [Organisation] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM organisation ORDER BY id").map {
                Organisation(id: $0["id"], name: $0["name"])
            }
        }
    }

    public func createOrganisation(_ organisation: Organisation, audit: AuditEntry?) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO organisation (id, name) VALUES (?, ?) ON CONFLICT(id) DO NOTHING",
                arguments: [organisation.id, organisation.name])
            guard db.changesCount > 0 else { return false }
            if let audit { try Self.insert(audit, db) }
            return true
        }
    }
}
