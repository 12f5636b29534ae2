import Catalog
import CatalogAPI
import Foundation
import GRDB
import MiniSupport

extension SQLiteCatalogStore {
    static let reportTables = """
        CREATE TABLE complaint (
          device_id TEXT NOT NULL, id TEXT NOT NULL, host_id TEXT NOT NULL, app_id TEXT NOT NULL, version TEXT,
          reason TEXT NOT NULL, text TEXT NOT NULL, at DOUBLE NOT NULL, received_at DOUBLE NOT NULL,
          PRIMARY KEY (device_id, id));
        CREATE INDEX complaint_by_app ON complaint (app_id, received_at);
        CREATE TABLE activity (
          device_id TEXT NOT NULL, id TEXT NOT NULL, host_id TEXT NOT NULL, app_id TEXT NOT NULL, version TEXT,
          kind TEXT NOT NULL, name TEXT NOT NULL, outcome TEXT NOT NULL, count INTEGER NOT NULL,
          first_at DOUBLE NOT NULL, last_at DOUBLE NOT NULL, received_at DOUBLE NOT NULL,
          PRIMARY KEY (device_id, id));
        CREATE INDEX activity_by_app ON activity (app_id, last_at);
        """

    public func saveReports(_ reports: DeviceReports, hostId: String, deviceId: String, receivedAt: Date)
        async throws -> Int
    {
        try await pool.write { db in
            let received = receivedAt.timeIntervalSince1970
            var added = 0
            for complaint in reports.complaints {
                try db.execute(
                    sql: """
                        INSERT INTO complaint (device_id, id, host_id, app_id, version, reason, text, at, received_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """,
                    arguments: [
                        deviceId, complaint.id, hostId, complaint.appId, complaint.version?.description,
                        complaint.reason.rawValue, complaint.text, complaint.at.timeIntervalSince1970, received,
                    ])
                added += db.changesCount
            }
            for record in reports.activity {
                try db.execute(
                    sql: """
                        INSERT INTO activity (device_id, id, host_id, app_id, version, kind, name, outcome, count,
                          first_at, last_at, received_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """,
                    arguments: [
                        deviceId, record.id, hostId, record.appId, record.version?.description, record.kind.rawValue,
                        record.name, record.outcome, record.count, record.first.timeIntervalSince1970,
                        record.last.timeIntervalSince1970, received,
                    ])
                added += db.changesCount
            }
            return added
        }
    }

    public func complaints(appId: String?, hostIds: Set<String>?, limit: Int) async throws -> [StoredComplaint] {
        let hosts = Self.hostFilter(hostIds)
        let rows = try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM complaint WHERE (? IS NULL OR app_id = ?) AND \(hosts.sql)
                    ORDER BY received_at DESC, at DESC LIMIT ?
                    """,
                arguments: [appId, appId] + StatementArguments(hosts.arguments) + [limit])
        }
        return try rows.map { row in
            StoredComplaint(
                hostId: row["host_id"], deviceId: row["device_id"],
                complaint: DeviceReports.Complaint(
                    id: row["id"], appId: row["app_id"], version: try row.version("version", table: "complaint"),
                    reason: try row.decoded(DeviceReports.Complaint.Reason.self, "reason", table: "complaint"),
                    text: row["text"], at: Date(timeIntervalSince1970: row["at"])),
                receivedAt: Date(timeIntervalSince1970: row["received_at"]))
        }
    }

    public func complaintCounts(appId: String) async throws -> [String: Int] {
        try await pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT host_id, COUNT(*) AS n FROM complaint WHERE app_id = ? GROUP BY host_id",
                arguments: [appId])
            {
                counts[row["host_id"]] = row["n"]
            }
            return counts
        }
    }

    public func activityTotals(appId: String) async throws -> [ActivityTotal] {
        let rows = try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT host_id, kind, name, outcome, SUM(count) AS total, MAX(last_at) AS latest FROM activity
                    WHERE app_id = ? GROUP BY host_id, kind, name, outcome ORDER BY host_id, kind, name, outcome
                    """, arguments: [appId])
        }
        return try rows.map { row in
            ActivityTotal(
                hostId: row["host_id"],
                kind: try row.decoded(DeviceReports.Activity.Kind.self, "kind", table: "activity"),
                name: row["name"], outcome: row["outcome"], count: row["total"],
                last: Date(timeIntervalSince1970: row["latest"]))
        }
    }

    public func latestRefusals(appId: String, hostId: String?, limit: Int) async throws -> [StoredActivity] {
        let rows = try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM activity WHERE app_id = ? AND outcome <> 'allowed' AND (? IS NULL OR host_id = ?)
                    ORDER BY last_at DESC, received_at DESC LIMIT ?
                    """, arguments: [appId, hostId, hostId, limit])
        }
        return try rows.map { row in
            StoredActivity(
                hostId: row["host_id"], deviceId: row["device_id"],
                activity: DeviceReports.Activity(
                    id: row["id"], appId: row["app_id"], version: try row.version("version", table: "activity"),
                    kind: try row.decoded(DeviceReports.Activity.Kind.self, "kind", table: "activity"),
                    name: row["name"], outcome: row["outcome"], count: row["count"],
                    first: Date(timeIntervalSince1970: row["first_at"]),
                    last: Date(timeIntervalSince1970: row["last_at"])))
        }
    }
}
