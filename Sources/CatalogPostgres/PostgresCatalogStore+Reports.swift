import Catalog
import CatalogAPI
import CatalogServer
import Foundation
import MiniSupport
import PostgresNIO

extension PostgresCatalogStore {
    public func saveReports(_ reports: DeviceReports, hostId: String, deviceId: String, receivedAt: Date)
        async throws -> Int
    {
        let received = receivedAt.timeIntervalSince1970
        return try await transaction { transaction in
            var added = 0
            for complaint in reports.complaints {
                if try await transaction.row(
                    """
                    INSERT INTO complaint (device_id, id, host_id, app_id, version, reason, text, at, received_at)
                    VALUES (\(deviceId), \(complaint.id), \(hostId), \(complaint.appId),
                      \(complaint.version?.description), \(complaint.reason.rawValue), \(complaint.text),
                      \(complaint.at.timeIntervalSince1970), \(received))
                    ON CONFLICT DO NOTHING RETURNING id
                    """) != nil
                {
                    added += 1
                }
            }
            for record in reports.activity {
                if try await transaction.row(
                    """
                    INSERT INTO activity (device_id, id, host_id, app_id, version, kind, name, outcome, count,
                      first_at, last_at, received_at)
                    VALUES (\(deviceId), \(record.id), \(hostId), \(record.appId), \(record.version?.description),
                      \(record.kind.rawValue), \(record.name), \(record.outcome), \(Int64(record.count)),
                      \(record.first.timeIntervalSince1970), \(record.last.timeIntervalSince1970), \(received))
                    ON CONFLICT DO NOTHING RETURNING id
                    """) != nil
                {
                    added += 1
                }
            }
            return added
        }
    }

    public func complaints(appId: String?, hostIds: Set<String>?, limit: Int) async throws -> [StoredComplaint] {
        let hosts = hostIds.map { $0.sorted() }
        let records = try await rows(
            """
            SELECT * FROM complaint
            WHERE (\(appId)::TEXT IS NULL OR app_id = \(appId)) AND (\(hosts)::TEXT[] IS NULL OR host_id = ANY(\(hosts)))
            ORDER BY received_at DESC, at DESC LIMIT \(limit)
            """)
        return try records.map { record in
            let reasonName = try record.get("reason", as: String.self)
            guard let reason = DeviceReports.Complaint.Reason(rawValue: reasonName) else {
                throw Self.unknown("complaint.reason", reasonName)
            }
            return StoredComplaint(
                hostId: try record.get("host_id"), deviceId: try record.get("device_id"),
                complaint: DeviceReports.Complaint(
                    id: try record.get("id"), appId: try record.get("app_id"),
                    version: try Self.version(record.get("version"), "complaint.version"), reason: reason,
                    text: try record.get("text"), at: try record.date("at")),
                receivedAt: try record.date("received_at"))
        }
    }

    public func complaintCounts(appId: String) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for record in try await rows(
            "SELECT host_id, COUNT(*) AS n FROM complaint WHERE app_id = \(appId) GROUP BY host_id")
        {
            counts[try record.get("host_id", as: String.self)] = Int(try record.get("n", as: Int64.self))
        }
        return counts
    }

    public func activityTotals(appId: String) async throws -> [ActivityTotal] {
        try await rows(
            """
            SELECT host_id, kind, name, outcome, SUM(count)::BIGINT AS total, MAX(last_at) AS latest FROM activity
            WHERE app_id = \(appId) GROUP BY host_id, kind, name, outcome ORDER BY host_id, kind, name, outcome
            """
        ).map { record in
            ActivityTotal(
                hostId: try record.get("host_id"), kind: try Self.kind(record), name: try record.get("name"),
                outcome: try record.get("outcome"), count: Int(try record.get("total", as: Int64.self)),
                last: try record.date("latest"))
        }
    }

    public func latestRefusals(appId: String, hostId: String?, limit: Int) async throws -> [StoredActivity] {
        try await rows(
            """
            SELECT * FROM activity WHERE app_id = \(appId) AND outcome <> 'allowed'
              AND (\(hostId)::TEXT IS NULL OR host_id = \(hostId))
            ORDER BY last_at DESC, received_at DESC LIMIT \(limit)
            """
        ).map { record in
            StoredActivity(
                hostId: try record.get("host_id"), deviceId: try record.get("device_id"),
                activity: DeviceReports.Activity(
                    id: try record.get("id"), appId: try record.get("app_id"),
                    version: try Self.version(record.get("version"), "activity.version"), kind: try Self.kind(record),
                    name: try record.get("name"), outcome: try record.get("outcome"),
                    count: Int(try record.get("count", as: Int64.self)), first: try record.date("first_at"),
                    last: try record.date("last_at")))
        }
    }

    private static func kind(_ record: Record) throws -> DeviceReports.Activity.Kind {
        let name = try record.get("kind", as: String.self)
        guard let kind = DeviceReports.Activity.Kind(rawValue: name) else { throw unknown("activity.kind", name) }
        return kind
    }
}
