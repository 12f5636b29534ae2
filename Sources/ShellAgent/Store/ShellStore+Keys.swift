import Catalog
import Foundation
import GRDB
import MiniKit

/// The pinned server keys.
extension ShellStore {
    // MARK: Keys

    /// The pinned server keys still trusted (empty before the first pin).
    public func pinnedKeys() throws -> [VerificationKey] {
        try queue.read { db in
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT public_key FROM pinned_key WHERE retired_at IS NULL ORDER BY keyid")
            ).compactMap { try? VerificationKey(base64: $0) }
        }
    }

    /// The keys a rotation statement retired: never trusted again.
    public func retiredKeys() throws -> [VerificationKey] {
        try queue.read { db in
            try String.fetchAll(
                db, sql: "SELECT public_key FROM pinned_key WHERE retired_at IS NOT NULL ORDER BY keyid"
            )
            .compactMap { try? VerificationKey(base64: $0) }
        }
    }

    /// The ids of every key ever pinned, retired ones too.
    public func knownKeyIDs() throws -> Set<KeyID> {
        try queue.read { db in
            Set(try String.fetchAll(db, sql: "SELECT keyid FROM pinned_key").map(KeyID.init(rawValue:)))
        }
    }

    /// Pins keys (replacing none: a pinned key stays until a rotation statement retires it).
    public func pin(_ keys: [VerificationKey]) throws {
        try queue.write { db in
            for key in keys {
                try db.run(
                    "INSERT OR IGNORE INTO pinned_key (keyid, public_key) VALUES (?, ?)",
                    [key.keyID.rawValue, key.base64])
            }
        }
    }

    /// Follows verified rotation statements: retires the old keys and pins their successors, in one step (a key
    /// retired stays retired: ``KeyRotationChain`` never hands one back).
    public func rotate(retiring retired: [VerificationKey], pinning keys: [VerificationKey], at date: Date) throws {
        try queue.write { db in
            for key in retired {
                try db.run(
                    "UPDATE pinned_key SET retired_at = ? WHERE keyid = ?",
                    [date.timeIntervalSince1970, key.keyID.rawValue])
            }
            for key in keys {
                try db.run(
                    """
                    INSERT INTO pinned_key (keyid, public_key) VALUES (?, ?) ON CONFLICT(keyid) DO NOTHING
                    """,
                    [key.keyID.rawValue, key.base64])
            }
            // A key retired on the way (a chain of two) is known too, retired.
            for key in retired {
                try db.run(
                    "INSERT OR IGNORE INTO pinned_key (keyid, public_key, retired_at) VALUES (?, ?, ?)",
                    [key.keyID.rawValue, key.base64, date.timeIntervalSince1970])
            }
        }
    }
}
