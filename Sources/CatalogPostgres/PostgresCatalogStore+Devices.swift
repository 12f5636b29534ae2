import Catalog
import CatalogServer
import Foundation
import PostgresNIO

/// Enrolled devices and their verified acknowledgements.
extension PostgresCatalogStore {
    public func enrolDevice(id: String, hostId: String, publicKey: VerificationKey, tokenHash: String, at: Date)
        async throws -> EnrolmentResult
    {
        let key = publicKey.base64
        let now = at.timeIntervalSince1970
        return try await transaction { transaction in
            // The same key enrolling twice at once on two replicas: one row, one token.
            try await transaction.lock("catalogd:device:\(hostId):\(key)")
            if let record = try await transaction.row(
                "SELECT * FROM device WHERE host_id = \(hostId) AND public_key = \(key)")
            {
                var known = try Self.device(record)
                if known.isRevoked { return .revoked(known) }
                try await transaction.run(
                    "UPDATE device SET token_hash = \(tokenHash), last_seen_at = \(now) WHERE id = \(known.id)")
                try await transaction.notify(.device(deviceId: known.id))
                known.lastSeen = at
                return .enrolled(known)
            }
            try await transaction.run(
                """
                INSERT INTO device (id, host_id, public_key, token_hash, enrolled_at, last_seen_at)
                VALUES (\(id), \(hostId), \(key), \(tokenHash), \(now), \(now))
                """)
            return .enrolled(Device(id: id, hostId: hostId, publicKey: publicKey, enrolledAt: at, lastSeen: at))
        }
    }

    public func device(forTokenHash hash: String) async throws -> Device? {
        try await row("SELECT * FROM device WHERE token_hash = \(hash)").map(Self.device)
    }

    public func device(id: String) async throws -> Device? {
        try await row("SELECT * FROM device WHERE id = \(id)").map(Self.device)
    }

    public func devices(hostId: String?) async throws -> [Device] {
        if let hostId {
            return try await rows("SELECT * FROM device WHERE host_id = \(hostId) ORDER BY id LIMIT 100000")
                .map(Self.device)
        }
        return try await rows("SELECT * FROM device ORDER BY id LIMIT 100000").map(Self.device)
    }

    public func revokeDevice(id: String, reason: String, at: Date, audit: AuditEntry?) async throws -> Bool {
        try await transaction { transaction in
            guard
                try await transaction.row(
                    """
                    UPDATE device SET revoked_at = \(at.timeIntervalSince1970), revoke_reason = \(reason)
                    WHERE id = \(id) AND revoked_at IS NULL RETURNING id
                    """) != nil
            else { return false }
            try await transaction.audit(audit)
            try await transaction.notify(.device(deviceId: id))
            return true
        }
    }

    public func touchDevice(id: String, at: Date) async throws {
        try await run(
            "UPDATE device SET last_seen_at = GREATEST(last_seen_at, \(at.timeIntervalSince1970)) WHERE id = \(id)")
    }

    public func saveAcknowledgement(_ ack: Acknowledgement, receivedAt: Date) async throws {
        let body = String(decoding: ack.wireJSON, as: UTF8.self)
        let at = receivedAt.timeIntervalSince1970
        try await transaction { transaction in
            try await transaction.run(
                """
                INSERT INTO device_ack (device_id, host_id, body, received_at)
                VALUES (\(ack.deviceId), \(ack.hostId), \(body), \(at))
                ON CONFLICT (device_id) DO UPDATE SET body = excluded.body, received_at = excluded.received_at
                """)
            try await transaction.run(
                "UPDATE device SET last_seen_at = GREATEST(last_seen_at, \(at)) WHERE id = \(ack.deviceId)")
        }
    }

    public func acknowledgement(deviceId: String) async throws -> Acknowledgement? {
        try await row("SELECT body FROM device_ack WHERE device_id = \(deviceId)").map {
            try Acknowledgement(wire: Data(try $0.get("body", as: String.self).utf8))
        }
    }

    public func acknowledgements(hostId: String) async throws -> [String: (ack: Acknowledgement, receivedAt: Date)] {
        var result: [String: (ack: Acknowledgement, receivedAt: Date)] = [:]
        for record in try await rows(
            """
            SELECT a.device_id, a.body, a.received_at FROM device_ack a JOIN device d ON d.id = a.device_id
            WHERE a.host_id = \(hostId) AND d.revoked_at IS NULL LIMIT 100000
            """)
        {
            let ack = try Acknowledgement(wire: Data(try record.get("body", as: String.self).utf8))
            result[try record.get("device_id")] = (ack, try record.date("received_at"))
        }
        return result
    }

    static func device(_ record: Record) throws -> Device {
        let key = try record.get("public_key", as: String.self)
        guard let publicKey = try? VerificationKey(base64: key) else { throw unknown("device.public_key", key) }
        return Device(
            id: try record.get("id"), hostId: try record.get("host_id"), publicKey: publicKey,
            enrolledAt: try record.date("enrolled_at"), lastSeen: try record.date("last_seen_at"),
            revokedAt: try record.optionalDate("revoked_at"), revokeReason: try record.get("revoke_reason"))
    }
}
