import CatalogServer
import Foundation
import PostgresNIO

/// What the replicas agree on: the key they all sign with.
extension PostgresCatalogStore {
    /// Records `keyId` as the replicas' signing key at a replica's start (see ``SigningKeyClaim``). `retired` are
    /// the keys this replica's rotations retired.
    public func claimSigningKey(_ keyId: String, retired: Set<String>) async throws -> SigningKeyClaim {
        try await transaction { transaction in
            try await transaction.lock("catalogd:signing-key")
            let current = try await transaction.row("SELECT value FROM replica_setting WHERE name = 'signing_key'")
                .map { try $0.get("value", as: String.self) }
            switch current {
            case nil:
                try await transaction.run(
                    "INSERT INTO replica_setting (name, value) VALUES ('signing_key', \(keyId))")
                return .claimed
            case keyId:
                return .same
            case let current? where retired.contains(current):
                try await transaction.run("UPDATE replica_setting SET value = \(keyId) WHERE name = 'signing_key'")
                try await transaction.notify(.signingKey(keyId: keyId))
                return .rolledForward(from: current)
            case let current?:
                return .refused(current: current)
            }
        }
    }
}
