import Catalog
import CatalogServer
import Foundation
import MiniSupport
import PostgresNIO

/// Host apps and their keys.
extension PostgresCatalogStore {
    public func hostApps() async throws -> [HostApp] {
        try await rows("SELECT * FROM host_app ORDER BY id").map(Self.hostApp)
    }

    public func hostApp(id: String) async throws -> HostApp? {
        try await row("SELECT * FROM host_app WHERE id = \(id)").map(Self.hostApp)
    }

    public func saveHostApp(_ host: HostApp, audit: AuditEntry?) async throws {
        try await transaction { transaction in
            try await Self.insert(host, transaction)
            try await transaction.audit(audit)
            try await transaction.notify(.host(hostId: host.id))
        }
    }

    public func setHostActive(hostId: String, active: Bool, audit: AuditEntry?) async throws -> Bool {
        try await transaction { transaction in
            guard
                try await transaction.row("UPDATE host_app SET active = \(active) WHERE id = \(hostId) RETURNING id")
                    != nil
            else { return false }
            try await transaction.audit(audit)
            try await transaction.notify(.host(hostId: hostId))
            return true
        }
    }

    public func setUserTrust(hostId: String, userKeys: [String], clientProperties: [String], audit: AuditEntry?)
        async throws -> Bool
    {
        let keys = StoredList.text(userKeys)
        let properties = StoredList.text(clientProperties)
        return try await transaction { transaction in
            guard
                try await transaction.row(
                    """
                    UPDATE host_app SET user_keys = \(keys), client_properties = \(properties) WHERE id = \(hostId)
                    RETURNING id
                    """) != nil
            else { return false }
            try await transaction.audit(audit)
            try await transaction.notify(.host(hostId: hostId))
            return true
        }
    }

    public func setBrand(hostId: String, brand: HostBrand?, audit: AuditEntry?) async throws -> Bool {
        let text = try StoredBrand.text(brand)
        return try await transaction { transaction in
            guard
                try await transaction.row("UPDATE host_app SET brand = \(text) WHERE id = \(hostId) RETURNING id")
                    != nil
            else { return false }
            try await transaction.audit(audit)
            try await transaction.notify(.host(hostId: hostId))
            return true
        }
    }

    public func createHostApp(_ host: HostApp, keyHash: String, audit: AuditEntry?) async throws -> Bool {
        try await transaction { transaction in
            guard
                try await transaction.row(
                    """
                    INSERT INTO host_app (id, name) VALUES (\(host.id), \(host.name)) ON CONFLICT (id) DO NOTHING
                    RETURNING id
                    """) != nil
            else { return false }
            try await Self.insert(host, transaction)
            try await transaction.run("INSERT INTO host_key (hash, host_id) VALUES (\(keyHash), \(host.id))")
            try await transaction.audit(audit)
            return true
        }
    }

    public func setHostKey(hostId: String, hash: String, audit: AuditEntry?) async throws {
        try await transaction { transaction in
            try await transaction.run("DELETE FROM host_key WHERE host_id = \(hostId)")
            try await transaction.run("INSERT INTO host_key (hash, host_id) VALUES (\(hash), \(hostId))")
            try await transaction.audit(audit)
            // The replaced key stops working on every replica now, not at its next check.
            try await transaction.notify(.host(hostId: hostId))
        }
    }

    public func host(forKeyHash hash: String) async throws -> String? {
        try await row("SELECT host_id FROM host_key WHERE hash = \(hash)").map { try $0.get("host_id") }
    }

    /// Inserts or updates a host app.
    static func insert(_ host: HostApp, _ transaction: Transaction) async throws {
        try await transaction.run(
            """
            INSERT INTO host_app (id, name, minimum_shell_version, active, expiry_grace_seconds, user_keys,
              client_properties, brand, organisation)
            VALUES (\(host.id), \(host.name), \(host.minimumShellVersion?.description), \(host.active),
              \(Int64(host.expiryGraceSeconds)), \(StoredList.text(host.userKeys)), \(StoredList.text(host.clientProperties)),
              \(try StoredBrand.text(host.brand)), \(host.organisation))
            ON CONFLICT (id) DO UPDATE SET name = excluded.name,
              minimum_shell_version = excluded.minimum_shell_version, active = excluded.active,
              expiry_grace_seconds = excluded.expiry_grace_seconds, user_keys = excluded.user_keys,
              client_properties = excluded.client_properties, brand = excluded.brand,
              organisation = excluded.organisation
            """)
    }

    static func hostApp(_ record: Record) throws -> HostApp {
        HostApp(
            id: try record.get("id"), name: try record.get("name"),
            minimumShellVersion: try version(record.get("minimum_shell_version"), "host_app.minimum_shell_version"),
            active: try record.get("active"),
            expiryGraceSeconds: Int(try record.get("expiry_grace_seconds", as: Int64.self)),
            userKeys: try StoredList.items(record.get("user_keys"), table: "host_app", column: "user_keys"),
            clientProperties: try StoredList.items(
                record.get("client_properties"), table: "host_app", column: "client_properties"),
            brand: try StoredBrand.brand(record.get("brand")), organisation: try record.get("organisation"))
    }

    public func organisations() async throws -> [Organisation] {
        try await rows("SELECT id, name FROM organisation ORDER BY id").map {
            Organisation(id: try $0.get("id"), name: try $0.get("name"))
        }
    }

    public func createOrganisation(_ organisation: Organisation, audit: AuditEntry?) async throws -> Bool {
        try await transaction { transaction in
            guard
                try await transaction.row(
                    """
                    INSERT INTO organisation (id, name) VALUES (\(organisation.id), \(organisation.name))
                    ON CONFLICT (id) DO NOTHING RETURNING id
                    """) != nil
            else { return false }
            try await transaction.audit(audit)
            return true
        }
    }

    /// A nullable column's text as a semantic version, or ``UnknownStoredValue``.
    static func version(_ text: String?, _ column: String) throws -> SemanticVersion? {
        guard let text else { return nil }
        guard let version = SemanticVersion(text) else { throw unknown(column, text) }
        return version
    }

    /// A stored value this catalogd does not know, in `table.column`.
    static func unknown(_ column: String, _ value: String) -> UnknownStoredValue {
        let parts = column.split(separator: ".", maxSplits: 1).map(String.init)
        return UnknownStoredValue(table: parts.first ?? "", column: parts.last ?? "", value: value)
    }
}
