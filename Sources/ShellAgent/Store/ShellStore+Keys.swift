import Catalog
import Foundation
import GRDB
import MiniKit

/// The pinned server keys.
extension ShellStore {
    // MARK: Keys

    /// The pinned server keys (empty before the first pin).
    public func pinnedKeys() throws -> [VerificationKey] {
        try queue.read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT public_key FROM pinned_key ORDER BY keyid")).compactMap
            {
                try? VerificationKey(base64: $0)
            }
        }
    }

    /// Pins keys (replacing none: a pinned key stays until the data folder is reset).
    public func pin(_ keys: [VerificationKey]) throws {
        try queue.write { db in
            for key in keys {
                try db.run(
                    "INSERT OR IGNORE INTO pinned_key (keyid, public_key) VALUES (?, ?)",
                    [key.keyID.rawValue, key.base64])
            }
        }
    }
}
