import Catalog
import Foundation
import GRDB
import MiniKit
import Synchronization

/// The last accepted event per host. Tombstones, recalls and the purges shells acknowledge.
extension ShellStore {
    // MARK: Events

    /// The last accepted event of a host: its sequence and when it was issued.
    public func lastEvent(host: String) throws -> (sequence: UInt64, issuedAt: Date)? {
        try queue.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM event_state WHERE host_id = ?"), arguments: [host])
                .map {
                    (UInt64($0["sequence"] as Int64), Date(timeIntervalSince1970: $0["issued_at"]))
                }
        }
    }

    public func saveLastEvent(host: String, sequence: UInt64, issuedAt: Date) throws {
        try queue.write { db in try Self.saveLastEvent(host, sequence, issuedAt, db) }
    }

    static func saveLastEvent(_ host: String, _ sequence: UInt64, _ issuedAt: Date, _ db: Database) throws {
        try db.run(
            """
            INSERT INTO event_state (host_id, sequence, issued_at) VALUES (?, ?, ?)
            ON CONFLICT(host_id) DO UPDATE SET sequence = excluded.sequence, issued_at = excluded.issued_at
            WHERE excluded.sequence > event_state.sequence
            """, [host, Int64(sequence), issuedAt.timeIntervalSince1970])
    }

    // MARK: Tombstones and purges

    /// A tombstone for this host's copy of a mini-program.
    public func tombstone(host: String, app: String) throws -> Tombstone? {
        try queue.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM tombstone WHERE host_id = ? AND app_id = ?"),
                arguments: [host, app]
            ).map(Self.tombstone)
        }
    }

    public func tombstones(host: String) throws -> [Tombstone] {
        try queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM tombstone WHERE host_id = ? ORDER BY app_id"), arguments: [host]
            )
            .map(Self.tombstone)
        }
    }

    /// Records a recall in one transaction: the tombstone (launching stops here), the app's packages leave the
    /// installed list, every user's storage and consents for it are deleted, a notice for users, and a purge
    /// to acknowledge. Returns the package hashes whose folders the caller deletes next, or nil when the shell
    /// held nothing of the mini-program (then only the tombstone is recorded).
    /// The event that brought the recall (`lastEvent`) and a sync log line are recorded in it too.
    public func recall(
        _ tombstone: Tombstone, host: String, name: String, at: Date, lastEvent: (UInt64, Date)? = nil,
        log: String? = nil
    ) throws -> [String]? {
        try queue.write { db in
            try Self.recall(tombstone, host: host, name: name, at: at, lastEvent: lastEvent, log: log, db)
        }
    }

    static func recall(
        _ tombstone: Tombstone, host: String, name: String, at: Date, lastEvent: (UInt64, Date)?, log: String?,
        _ db: Database
    ) throws -> [String]? {
        if let (sequence, issuedAt) = lastEvent { try Self.saveLastEvent(host, sequence, issuedAt, db) }
        try Self.insertTombstone(tombstone, host: host, db)
        let hashes = try String.fetchAll(
            db.cachedStatement(sql: "SELECT sha256 FROM installed WHERE app_id = ?"), arguments: [tombstone.appId])
        let data =
            try Int.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT (SELECT COUNT(*) FROM storage WHERE app_id = ?) + (SELECT COUNT(*) FROM consent WHERE app_id = ?)"
                ), arguments: [tombstone.appId, tombstone.appId]) ?? 0
        // Nothing of it on this shell (never installed, or purged already): the tombstone alone blocks it.
        guard !hashes.isEmpty || data > 0 else { return nil }
        if let log { try Self.insertLog("recall", log, at: at, db) }
        try db.run("DELETE FROM installed WHERE app_id = ?", [tombstone.appId])
        try db.run("DELETE FROM storage WHERE app_id = ?", [tombstone.appId])
        try db.run("DELETE FROM consent WHERE app_id = ?", [tombstone.appId])
        let alreadyNoticed =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM purge WHERE host_id = ? AND app_id = ?"),
                arguments: [host, tombstone.appId])
            != nil
        if !alreadyNoticed {
            // The facts only: the screens word the notice in the user's language.
            try db.run(
                "INSERT INTO notice (app_id, service, reason, at) VALUES (?, ?, ?, ?)",
                [tombstone.appId, name, tombstone.reason, at.timeIntervalSince1970])
        }
        try db.run(
            """
            INSERT INTO purge (host_id, app_id, at, acknowledged) VALUES (?, ?, ?, 0)
            ON CONFLICT(host_id, app_id) DO UPDATE SET at = excluded.at, acknowledged = 0
            """, [host, tombstone.appId, at.timeIntervalSince1970])
        return hashes
    }

    /// Readies the recall path so that a recall, which must be fast, does not compile SQL: runs a recall of a
    /// probe inside a savepoint that is rolled back (its statements stay compiled in the connection's cache).
    /// Changes nothing.
    public func prepareForRecalls() throws {
        guard !recallStatementsReady.withLock({ $0 }) else { return }
        try queue.inDatabase { db in
            try db.inSavepoint {
                let probe = Tombstone(appId: "\u{1}probe", delistedAt: Date(), reason: "probe", sequence: 0)
                try db.run(
                    "INSERT INTO installed (sha256, app_id, version, size, installed_at) VALUES (?, ?, '0.0.0', 0, 0)",
                    ["\u{1}probe", probe.appId])
                _ = try Self.recall(
                    probe, host: "\u{1}probe", name: "probe", at: Date(), lastEvent: (0, Date()), log: "probe", db)
                return .rollback
            }
        }
        recallStatementsReady.withLock { $0 = true }
    }

    /// Purges not yet acknowledged to the server.
    public func pendingPurges(host: String) throws -> [String] {
        try queue.read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT app_id FROM purge WHERE host_id = ? AND acknowledged = 0 ORDER BY app_id"),
                arguments: [host])
        }
    }

    public func markPurgesAcknowledged(host: String, apps: [String]) throws {
        try queue.write { db in
            for app in apps {
                try db.run("UPDATE purge SET acknowledged = 1 WHERE host_id = ? AND app_id = ?", [host, app])
            }
        }
    }
}
