import CatalogAPI
import Foundation
import GRDB
import MiniSupport

/// Reports waiting to be sent to the platform: customers' complaints and the containers' bridge activity.
/// Bounded: a shell that stays offline keeps at most ``maximumComplaints`` complaints and ``maximumActivity``
/// activity rows per host (a call of the same kind and outcome adds to its row's count).
extension ShellStore {
    public static let maximumComplaints = 100
    public static let maximumActivity = 1_000

    /// The outbox is full: the complaint was not kept.
    public struct OutboxFull: Error, CustomStringConvertible {
        public var description: String { "too many complaints are waiting to be sent" }
    }

    /// Keeps a complaint until the platform has it.
    public func queueComplaint(_ complaint: DeviceReports.Complaint, host: String) throws {
        try queue.write { db in
            guard try Self.waitingComplaints(host: host, db) < Self.maximumComplaints else { throw OutboxFull() }
            try db.run(
                """
                INSERT INTO outbox_complaint (id, host_id, app_id, version, reason, text, at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    complaint.id, host, complaint.appId, complaint.version?.description, complaint.reason.rawValue,
                    complaint.text, complaint.at.timeIntervalSince1970,
                ])
        }
    }

    /// Counts one bridge call: into the waiting row of the same app version, kind, name and outcome, or a new
    /// row. Returns false when the outbox is full and the call was not counted.
    @discardableResult
    public func recordActivity(
        host: String, appId: String, version: SemanticVersion?, kind: DeviceReports.Activity.Kind, name: String,
        outcome: String, at: Date
    ) throws -> Bool {
        try queue.write { db in
            let key: StatementArguments = [host, appId, version?.description ?? "", kind.rawValue, name, outcome]
            let time = at.timeIntervalSince1970
            if let id = try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id FROM outbox_activity WHERE host_id = ? AND app_id = ? AND COALESCE(version, '') = ?
                          AND kind = ? AND name = ? AND outcome = ? AND NOT in_flight AND count < ?
                        """), arguments: key + [DeviceReports.Activity.maximumCount])
            {
                try db.run(
                    "UPDATE outbox_activity SET count = count + 1, last = MAX(last, ?) WHERE id = ?", [time, id])
                return true
            }
            let rows = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox_activity WHERE host_id = ?"), arguments: [host])!
            guard rows < Self.maximumActivity else { return false }
            try db.run(
                """
                INSERT INTO outbox_activity (id, host_id, app_id, version, kind, name, outcome, count, first, last)
                VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                """,
                [
                    UUID().uuidString.lowercased(), host, appId, version?.description, kind.rawValue,
                    String(name.prefix(253)), String(outcome.prefix(40)), time, time,
                ])
            return true
        }
    }

    /// The next batch to send, marked in flight (calls from now on count in new rows); nil when nothing waits.
    /// Rows stay in flight until ``settleReports(_:host:)`` removes them: a batch that was not delivered (or whose
    /// answer was lost, or a crash cut off) goes again with the same ids, in the next batch, and the platform
    /// counts each id once.
    public func takeReports(host: String) throws -> DeviceReports? {
        try queue.write { db in
            let complaints = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM outbox_complaint WHERE host_id = ? ORDER BY at LIMIT ?"),
                arguments: [host, DeviceReports.maximumComplaints]
            ).compactMap { row -> DeviceReports.Complaint? in
                guard let reason = DeviceReports.Complaint.Reason(rawValue: row["reason"]) else { return nil }
                return DeviceReports.Complaint(
                    id: row["id"], appId: row["app_id"],
                    version: (row["version"] as String?).flatMap(SemanticVersion.init),
                    reason: reason, text: row["text"], at: Date(timeIntervalSince1970: row["at"]))
            }
            let activity = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM outbox_activity WHERE host_id = ? ORDER BY first LIMIT ?"),
                arguments: [host, DeviceReports.maximumActivity]
            ).compactMap { row -> DeviceReports.Activity? in
                guard let kind = DeviceReports.Activity.Kind(rawValue: row["kind"]) else { return nil }
                return DeviceReports.Activity(
                    id: row["id"], appId: row["app_id"],
                    version: (row["version"] as String?).flatMap(SemanticVersion.init),
                    kind: kind, name: row["name"], outcome: row["outcome"], count: row["count"],
                    first: Date(timeIntervalSince1970: row["first"]), last: Date(timeIntervalSince1970: row["last"]))
            }
            guard !complaints.isEmpty || !activity.isEmpty else { return nil }
            for id in complaints.map(\.id) {
                try db.run("UPDATE outbox_complaint SET in_flight = 1 WHERE id = ?", [id])
            }
            for id in activity.map(\.id) { try db.run("UPDATE outbox_activity SET in_flight = 1 WHERE id = ?", [id]) }
            return DeviceReports(complaints: complaints, activity: activity)
        }
    }

    /// The platform has `batch`: exactly its items leave the outbox. Rows another batch took meanwhile (two sends
    /// can overlap) stay until that batch is delivered.
    public func settleReports(_ batch: DeviceReports, host: String) throws {
        try queue.write { db in
            for id in batch.complaints.map(\.id) {
                try db.run("DELETE FROM outbox_complaint WHERE host_id = ? AND id = ?", [host, id])
            }
            for id in batch.activity.map(\.id) {
                try db.run("DELETE FROM outbox_activity WHERE host_id = ? AND id = ?", [host, id])
            }
        }
    }

    /// How many complaints wait to be sent (the shell says "will be sent when online").
    public func waitingComplaints(host: String) throws -> Int {
        try queue.read { db in try Self.waitingComplaints(host: host, db) }
    }

    static func waitingComplaints(host: String, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox_complaint WHERE host_id = ?"), arguments: [host]) ?? 0
    }
}
