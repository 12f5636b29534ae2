import Catalog
import Foundation
import GRDB
import MiniKit
import Synchronization

/// The last accepted catalog per (host, user).
extension ShellStore {
    // MARK: Catalogs

    /// The last accepted catalog of a user on a host.
    public struct StoredCatalog: Sendable {
        public var snapshot: CatalogSnapshot
        public var etag: String?
        public var fetchedAt: Date
        /// When launching stops without a refresh: expiry plus the host's grace.
        public var launchableUntil: Date {
            snapshot.expiresAt.addingTimeInterval(TimeInterval(snapshot.expiryGraceSeconds ?? 0))
        }
    }

    /// The stored catalog, decoded only when the row changed since the last call.
    public func catalog(host: String, user: String) throws -> StoredCatalog? {
        let key = "\(host)\u{0}\(user)"
        let memo = decoded.withLock { $0[key] }
        let row = try queue.read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT catalog_version, issued_at, etag, fetched_at FROM catalog WHERE host_id = ? AND user_id = ?"
                ), arguments: [host, user])
        }
        guard let row else { return nil }
        let version: Int64 = row["catalog_version"]
        let issuedAt: Double = row["issued_at"]
        let snapshot: CatalogSnapshot
        if let memo, memo.version == version, memo.issuedAt == issuedAt {
            snapshot = memo.snapshot
        } else {
            guard
                let changed = try queue.read({ db in
                    try Row.fetchOne(
                        db.cachedStatement(
                            sql:
                                "SELECT catalog_version, issued_at, envelope FROM catalog WHERE host_id = ? AND user_id = ?"
                        ), arguments: [host, user])
                })
            else { return nil }
            snapshot = try CatalogSnapshot(wire: try SignedEnvelope(wire: changed["envelope"]).payload)
            decoded.withLock { memos in
                if memos.count >= 16 { memos.removeAll() }  // a handful of users per shell
                memos[key] = (changed["catalog_version"], changed["issued_at"], snapshot)
            }
        }
        return StoredCatalog(
            snapshot: snapshot, etag: row["etag"], fetchedAt: Date(timeIntervalSince1970: row["fetched_at"]))
    }

    /// Keeps a verified catalog and, in the same transaction, the tombstones it carries and the end of any
    /// local tombstone the catalog lists again (a relisting).
    ///
    /// Only a newer catalog replaces the stored one (a higher version, or the same version issued later);
    /// returns false, changing nothing, for an older one.
    @discardableResult
    public func saveCatalog(_ snapshot: CatalogSnapshot, envelope: Data, etag: String?, at: Date) throws -> Bool {
        try queue.write { db in
            try db.run(
                """
                INSERT INTO catalog (host_id, user_id, catalog_version, event_sequence, issued_at, expires_at, grace,
                  envelope, etag, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(host_id, user_id) DO UPDATE SET catalog_version = excluded.catalog_version,
                  event_sequence = excluded.event_sequence, issued_at = excluded.issued_at,
                  expires_at = excluded.expires_at, grace = excluded.grace, envelope = excluded.envelope,
                  etag = excluded.etag, fetched_at = excluded.fetched_at
                WHERE excluded.catalog_version > catalog.catalog_version
                  OR (excluded.catalog_version = catalog.catalog_version AND excluded.issued_at >= catalog.issued_at)
                """,
                [
                    snapshot.hostId, snapshot.userId, Int64(snapshot.catalogVersion), Int64(snapshot.eventSequence),
                    snapshot.issuedAt.timeIntervalSince1970, snapshot.expiresAt.timeIntervalSince1970,
                    Double(snapshot.expiryGraceSeconds ?? 0), envelope, etag, at.timeIntervalSince1970,
                ])
            guard db.changesCount > 0 else { return false }
            for tombstone in snapshot.tombstones {
                try Self.insertTombstone(tombstone, host: snapshot.hostId, db)
            }
            // Listed again after a delisting with a later sequence: the tombstone ends.
            for entry in snapshot.entries {
                try db.run(
                    "DELETE FROM tombstone WHERE host_id = ? AND app_id = ? AND sequence <= ?",
                    [snapshot.hostId, entry.appId, Int64(snapshot.eventSequence)])
                if db.changesCount > 0 {
                    try db.run(
                        "DELETE FROM purge WHERE host_id = ? AND app_id = ? AND acknowledged = 1",
                        [snapshot.hostId, entry.appId])
                }
            }
            return true
        }
    }

    /// Marks that the catalog was confirmed unchanged (a 304).
    public func touchCatalog(host: String, user: String, at: Date) throws {
        try queue.write { db in
            try db.run(
                "UPDATE catalog SET fetched_at = ? WHERE host_id = ? AND user_id = ?",
                [at.timeIntervalSince1970, host, user])
        }
    }

    /// Every package hash that some stored catalog of any user lists.
    public func referencedPackages() throws -> Set<String> {
        let owners = try queue.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT host_id, user_id FROM catalog")).map {
                (host: $0["host_id"] as String, user: $0["user_id"] as String)
            }
        }
        var hashes = Set<String>()
        for owner in owners {
            guard let stored = try? catalog(host: owner.host, user: owner.user) else { continue }
            for entry in stored.snapshot.entries { hashes.insert(entry.package.sha256) }
        }
        return hashes
    }
}
