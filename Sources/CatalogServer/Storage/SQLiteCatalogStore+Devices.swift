import Catalog
import Foundation
import GRDB
import MiniSupport

/// Enrolled devices and their verified acknowledgements.
extension SQLiteCatalogStore {
    public func enrolDevice(id: String, hostId: String, publicKey: VerificationKey, tokenHash: String, at: Date)
        async throws -> EnrolmentResult
    {
        try await pool.write { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT * FROM device WHERE host_id = ? AND public_key = ?",
                arguments: [hostId, publicKey.base64])
            {
                let known = try Self.device(row)
                if known.isRevoked { return .revoked(known) }
                try db.execute(
                    sql: "UPDATE device SET token_hash = ?, last_seen_at = ? WHERE id = ?",
                    arguments: [tokenHash, at.timeIntervalSince1970, known.id])
                var device = known
                device.lastSeen = at
                return .enrolled(device)
            }
            try db.execute(
                sql: """
                    INSERT INTO device (id, host_id, public_key, token_hash, enrolled_at, last_seen_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, hostId, publicKey.base64, tokenHash, at.timeIntervalSince1970, at.timeIntervalSince1970,
                ])
            return .enrolled(Device(id: id, hostId: hostId, publicKey: publicKey, enrolledAt: at, lastSeen: at))
        }
    }

    public func device(forTokenHash hash: String) async throws -> Device? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM device WHERE token_hash = ?", arguments: [hash]).map(Self.device)
        }
    }

    public func device(id: String) async throws -> Device? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM device WHERE id = ?", arguments: [id]).map(Self.device)
        }
    }

    public func devices(hostId: String?) async throws -> [Device] {
        try await pool.read { db in
            if let hostId {
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM device WHERE host_id = ? ORDER BY id LIMIT 100000", arguments: [hostId]
                ).map(Self.device)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM device ORDER BY id LIMIT 100000").map(Self.device)
        }
    }

    public func revokeDevice(id: String, reason: String, at: Date, audit: AuditEntry?) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE device SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [at.timeIntervalSince1970, reason, id])
            guard db.changesCount > 0 else { return false }
            if let audit { try Self.insert(audit, db) }
            return true
        }
    }

    public func touchDevice(id: String, at: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE device SET last_seen_at = max(last_seen_at, ?) WHERE id = ?",
                arguments: [at.timeIntervalSince1970, id])
        }
    }

    public func saveAcknowledgement(_ ack: Acknowledgement, receivedAt: Date) async throws {
        let body = String(decoding: ack.wireJSON, as: UTF8.self)
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO device_ack (device_id, host_id, body, received_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(device_id) DO UPDATE SET body = excluded.body, received_at = excluded.received_at
                    """,
                arguments: [ack.deviceId, ack.hostId, body, receivedAt.timeIntervalSince1970])
            try db.execute(
                sql: "UPDATE device SET last_seen_at = max(last_seen_at, ?) WHERE id = ?",
                arguments: [receivedAt.timeIntervalSince1970, ack.deviceId])
        }
    }

    public func acknowledgement(deviceId: String) async throws -> Acknowledgement? {
        let body = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM device_ack WHERE device_id = ?", arguments: [deviceId])
        }
        return try body.map { try Acknowledgement(wire: Data($0.utf8)) }
    }

    public func acknowledgements(hostId: String) async throws -> [String: (ack: Acknowledgement, receivedAt: Date)] {
        let rows = try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.device_id, a.body, a.received_at FROM device_ack a JOIN device d ON d.id = a.device_id
                    WHERE a.host_id = ? AND d.revoked_at IS NULL LIMIT 100000
                    """,
                arguments: [hostId])
        }
        var result: [String: (ack: Acknowledgement, receivedAt: Date)] = [:]
        for row in rows {
            let ack = try Acknowledgement(wire: Data((row["body"] as String).utf8))
            result[row["device_id"]] = (ack, Date(timeIntervalSince1970: row["received_at"]))
        }
        return result
    }

    static func device(_ row: Row) throws -> Device {
        let key: String = row["public_key"]
        guard let publicKey = try? VerificationKey(base64: key) else {
            throw UnknownStoredValue(table: "device", column: "public_key", value: key)
        }
        let revoked: Double? = row["revoked_at"]
        return Device(
            id: row["id"], hostId: row["host_id"], publicKey: publicKey,
            enrolledAt: Date(timeIntervalSince1970: row["enrolled_at"]),
            lastSeen: Date(timeIntervalSince1970: row["last_seen_at"]),
            revokedAt: revoked.map { Date(timeIntervalSince1970: $0) }, revokeReason: row["revoke_reason"])
    }
}
