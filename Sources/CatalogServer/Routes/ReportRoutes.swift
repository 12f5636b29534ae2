import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import MiniSupport

/// What shells report (as their device) and what operations read of it: customers' complaints, and the
/// sensitive or refused bridge calls the containers saw — the platform watching what mini-programs do on devices.
struct ReportRoutes {
    let store: any CatalogStore
    let clock: any CatalogClock
    let limits: ReportLimits

    /// A batch of at most 20 complaints and 200 activity records is well under this.
    static let maximumReportSize = 128 * 1024

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.post("hosts/:hostId/reports") { request, context -> Response in
            let hostId = context.parameters.get("hostId") ?? ""
            let device = try context.requireDevice(of: hostId)
            let now = clock.now()
            if let wait = await limits.admit(device: device.id, at: now) {
                throw ProblemError.rateLimited("report batches from this device", retryAfter: wait)
            }
            var request = request
            let reports = try RequestBody.read(
                try await RequestBody.json(&request, limit: Self.maximumReportSize), DeviceReports.init(json:))
            let added = try await store.saveReports(reports, hostId: hostId, deviceId: device.id, receivedAt: now)
            return JSONResponse.make(
                .object([
                    "accepted": .number(Double(reports.complaints.count + reports.activity.count)),
                    "new": .number(Double(added)),
                ]))
        }
        group.get("reports") { request, context -> Response in
            let hosts = try await context.operatedHosts(store, to: "read complaints")
            let query = request.uri.queryParameters
            let limit = try RequestQuery.limit(query.get("limit"))
            let appId = query.get("app").map { String($0) }
            // A host organisation reads its own hosts' complaints only.
            let complaints = try await store.complaints(appId: appId, hostIds: hosts, limit: limit)
            return JSONResponse.make(.object(["complaints": .array(complaints.map(Self.json))]))
        }
        group.get("apps/:appId/activity") { request, context -> Response in
            let visible = try await context.operatedHosts(store, to: "read what mini-programs did on devices")
            let appId = context.parameters.get("appId") ?? ""
            _ = try await store.requireMiniProgram(appId)
            let totals = try await store.activityTotals(appId: appId).filter { visible?.contains($0.hostId) ?? true }
            var refusals: [StoredActivity] = []
            if let visible {
                // A host organisation's own hosts, each with its 20 latest.
                for host in visible {
                    refusals += try await store.latestRefusals(appId: appId, hostId: host, limit: 20)
                }
            } else {
                refusals = try await store.latestRefusals(appId: appId, limit: 20)
            }
            let hosts = Set(totals.map(\.hostId)).sorted()
            return JSONResponse.make(
                .object([
                    "appId": .string(appId),
                    "hosts": .array(
                        hosts.map { host in
                            .object([
                                "hostId": .string(host),
                                "calls": .array(totals.filter { $0.hostId == host }.map(Self.json)),
                                "latestRefusals": .array(
                                    refusals.filter { $0.hostId == host }.map {
                                        Self.json($0.activity, device: $0.deviceId)
                                    }),
                            ])
                        }),
                ]))
        }
    }

    static func json(_ stored: StoredComplaint) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(stored.complaint.id), "appId": .string(stored.complaint.appId),
            "hostId": .string(stored.hostId), "deviceId": .string(stored.deviceId),
            "reason": .string(stored.complaint.reason.rawValue), "text": .string(stored.complaint.text),
            "at": .string(Timestamp.format(stored.complaint.at)),
            "receivedAt": .string(Timestamp.format(stored.receivedAt)),
        ]
        if let version = stored.complaint.version { members["version"] = .string(version.description) }
        return .object(members)
    }

    static func json(_ total: ActivityTotal) -> JSONValue {
        .object([
            "kind": .string(total.kind.rawValue), "name": .string(total.name), "outcome": .string(total.outcome),
            "count": .number(Double(total.count)), "last": .string(Timestamp.format(total.last)),
        ])
    }

    static func json(_ activity: DeviceReports.Activity, device: String) -> JSONValue {
        var members: [String: JSONValue] = [
            "deviceId": .string(device), "kind": .string(activity.kind.rawValue), "name": .string(activity.name),
            "outcome": .string(activity.outcome), "count": .number(Double(activity.count)),
            "last": .string(Timestamp.format(activity.last)),
        ]
        if let version = activity.version { members["version"] = .string(version.description) }
        return .object(members)
    }
}

/// How often one device may send a batch of reports: 10 at once, then one every 6 s. A shell sends at most one
/// batch per sync; more is a loop or an attacker filling the tables.
actor ReportLimits {
    private var devices = RateLimiter(perSecond: 1.0 / 6, burst: 10)

    /// Nil when the batch may be stored, else the seconds to wait.
    func admit(device: String, at now: Date) -> TimeInterval? { devices.spend(device, at: now) }
}
