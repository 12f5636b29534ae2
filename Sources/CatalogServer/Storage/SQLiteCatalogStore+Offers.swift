import Catalog
import Foundation
import GRDB
import MiniKit
import MiniSupport

/// Organisations and the bank's offers to their host apps.
extension SQLiteCatalogStore {
    static let organisationTables = """
        CREATE TABLE organisation (id TEXT PRIMARY KEY, name TEXT NOT NULL);
        INSERT INTO organisation (id, name) VALUES ('bank', 'The bank');
        ALTER TABLE host_app ADD COLUMN organisation TEXT NOT NULL DEFAULT 'bank';
        ALTER TABLE listing ADD COLUMN delisted_by TEXT;
        ALTER TABLE audit_log ADD COLUMN organisation TEXT;
        CREATE INDEX audit_by_organisation ON audit_log (organisation, id);
        CREATE TABLE offer (
          app_id TEXT NOT NULL, host_id TEXT NOT NULL, version TEXT NOT NULL, gray TEXT, state TEXT NOT NULL,
          offered_by TEXT NOT NULL, offered_at DOUBLE NOT NULL, decided_by TEXT, decided_at DOUBLE, reason TEXT,
          PRIMARY KEY (app_id, host_id, version));
        CREATE INDEX offer_by_host ON offer (host_id, offered_at);
        """

    public func createOffer(_ offer: Offer, audit: AuditEntry?) async throws -> Bool {
        let gray = try StoredOffer.grayText(offer.gray)
        return try await pool.write { db in
            let state = try String.fetchOne(
                db, sql: "SELECT state FROM offer WHERE app_id = ? AND host_id = ? AND version = ?",
                arguments: [offer.appId, offer.hostId, offer.version.description])
            guard state != Offer.State.accepted.rawValue else { return false }
            try db.execute(
                sql: "UPDATE offer SET state = 'withdrawn' WHERE app_id = ? AND host_id = ? AND state = 'pending'",
                arguments: [offer.appId, offer.hostId])
            try db.execute(
                sql: """
                    INSERT INTO offer (app_id, host_id, version, gray, state, offered_by, offered_at)
                    VALUES (?, ?, ?, ?, 'pending', ?, ?)
                    ON CONFLICT(app_id, host_id, version) DO UPDATE SET gray = excluded.gray, state = 'pending',
                      offered_by = excluded.offered_by, offered_at = excluded.offered_at, decided_by = NULL,
                      decided_at = NULL, reason = NULL
                    """,
                arguments: [
                    offer.appId, offer.hostId, offer.version.description, gray, offer.offeredBy,
                    offer.offeredAt.timeIntervalSince1970,
                ])
            if let audit { try Self.insert(audit, db) }
            return true
        }
    }

    public func offers(hostIds: Set<String>?, limit: Int) async throws -> [Offer] {
        let hosts = Self.hostFilter(hostIds)
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT * FROM offer WHERE \(hosts.sql) ORDER BY offered_at DESC, app_id DESC, host_id DESC LIMIT ?",
                arguments: StatementArguments(hosts.arguments) + [max(0, limit)]
            ).map(Self.offer)
        }
    }

    /// `host_id IN (?, …)` and its arguments for a set of hosts; for nil, a condition every row meets.
    static func hostFilter(_ hostIds: Set<String>?) -> (sql: String, arguments: [String]) {
        guard let hostIds else { return ("1", []) }
        return ("host_id IN (\(Array(repeating: "?", count: hostIds.count).joined(separator: ", ")))", hostIds.sorted())
    }

    public func pendingOffer(appId: String, hostId: String) async throws -> Offer? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM offer WHERE app_id = ? AND host_id = ? AND state = 'pending'",
                arguments: [appId, hostId]
            ).map(Self.offer)
        }
    }

    public func declineOffer(
        appId: String, hostId: String, version: SemanticVersion, by: String, at: Date, reason: String?,
        audit: AuditEntry?
    ) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE offer SET state = 'declined', decided_by = ?, decided_at = ?, reason = ?
                    WHERE app_id = ? AND host_id = ? AND version = ? AND state = 'pending'
                    """,
                arguments: [by, at.timeIntervalSince1970, reason, appId, hostId, version.description])
            guard db.changesCount > 0 else { return false }
            if let audit { try Self.insert(audit, db) }
            return true
        }
    }

    static func offer(_ row: Row) throws -> Offer {
        guard let version = try row.version("version", table: "offer") else {
            throw UnknownStoredValue(table: "offer", column: "version", value: "NULL")
        }
        return Offer(
            appId: row["app_id"], hostId: row["host_id"], version: version,
            gray: try StoredOffer.gray(row["gray"]),
            state: try row.decoded(Offer.State.self, "state", table: "offer"), offeredBy: row["offered_by"],
            offeredAt: Date(timeIntervalSince1970: row["offered_at"]), decidedBy: row["decided_by"],
            decidedAt: (row["decided_at"] as Double?).map(Date.init(timeIntervalSince1970:)), reason: row["reason"])
    }
}
