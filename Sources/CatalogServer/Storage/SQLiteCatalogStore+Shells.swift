import Catalog
import Foundation
import GRDB
import MiniKit

/// Shells' acknowledgements.
extension SQLiteCatalogStore {
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
}
