import Catalog
import CatalogAPI
import CatalogServer
import Foundation
import MiniSupport
import Testing

/// The store contract for what shells report, against SQLite and PostgreSQL.
struct ReportStoreContractTests {
    static let at = CatalogStoreContractTests.at

    static func complaint(_ id: String, app: String = "com.carins.quote", minutes: Double = 0)
        -> DeviceReports.Complaint
    {
        DeviceReports.Complaint(
            id: id, appId: app, version: SemanticVersion(2, 1, 0), reason: .misleading,
            text: "Price changed at the end",
            at: at.addingTimeInterval(minutes * 60))
    }

    static func activity(_ id: String, _ name: String, _ outcome: String, count: Int, minutes: Double)
        -> DeviceReports.Activity
    {
        DeviceReports.Activity(
            id: id, appId: "com.eastsec.open-account", version: SemanticVersion(1, 4, 2),
            kind: name.contains(".") ? .domain : .scope, name: name, outcome: outcome, count: count,
            first: at, last: at.addingTimeInterval(minutes * 60))
    }

    @Test(
        "reports: a batch sent twice counts once; complaints newest first and counted per host; activity summed with the latest refusals",
        arguments: StoreEngine.allCases)
    func reports(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, reopen in
            let batch = DeviceReports(
                complaints: [Self.complaint("c-000001"), Self.complaint("c-000002", minutes: 1)],
                activity: [
                    Self.activity("a-000001", "phoneNumber", "allowed", count: 3, minutes: 1),
                    Self.activity("a-000002", "phoneNumber", "consent-denied", count: 1, minutes: 2),
                    Self.activity("a-000003", "evil.example", "domain-not-allowed", count: 2, minutes: 3),
                ])
            #expect(try await store.saveReports(batch, hostId: "mbank", deviceId: "d-1", receivedAt: Self.at) == 5)
            #expect(
                try await store.saveReports(batch, hostId: "mbank", deviceId: "d-1", receivedAt: Self.at) == 0,
                "the same ids from the same device are not counted again")
            let other = DeviceReports(
                complaints: [Self.complaint("c-000001", minutes: 5)],
                activity: [Self.activity("a-000001", "phoneNumber", "allowed", count: 4, minutes: 4)])
            #expect(
                try await store.saveReports(
                    other, hostId: "kiosk", deviceId: "d-2", receivedAt: Self.at.addingTimeInterval(60)) == 2,
                "another device may use the same ids")
            let store = try await reopen()
            let complaints = try await store.complaints(appId: "com.carins.quote", limit: 10)
            #expect(complaints.map(\.deviceId) == ["d-2", "d-1", "d-1"])
            #expect(complaints.first?.complaint == Self.complaint("c-000001", minutes: 5))
            #expect(try await store.complaints(appId: "com.other.app", limit: 10).isEmpty)
            #expect(try await store.complaints(appId: nil, limit: 1).count == 1)
            // Per host, for a host organisation that sees only its own.
            #expect(try await store.complaints(appId: nil, hostIds: ["kiosk"], limit: 10).map(\.deviceId) == ["d-2"])
            #expect(try await store.complaints(appId: "com.carins.quote", hostIds: ["mbank"], limit: 10).count == 2)
            #expect(try await store.complaints(appId: nil, hostIds: ["nowhere"], limit: 10).isEmpty)
            #expect(try await store.complaintCounts(appId: "com.carins.quote") == ["mbank": 2, "kiosk": 1])
            let totals = try await store.activityTotals(appId: "com.eastsec.open-account")
            #expect(
                totals.map { "\($0.hostId) \($0.kind.rawValue) \($0.name) \($0.outcome) \($0.count)" } == [
                    "kiosk scope phoneNumber allowed 4",
                    "mbank domain evil.example domain-not-allowed 2",
                    "mbank scope phoneNumber allowed 3",
                    "mbank scope phoneNumber consent-denied 1",
                ])
            let refusals = try await store.latestRefusals(appId: "com.eastsec.open-account", limit: 10)
            #expect(refusals.map(\.activity.outcome) == ["domain-not-allowed", "consent-denied"])
            #expect(
                try await store.latestRefusals(appId: "com.eastsec.open-account", hostId: "mbank", limit: 1).map(
                    \.activity.outcome) == ["domain-not-allowed"])
            #expect(
                try await store.latestRefusals(appId: "com.eastsec.open-account", hostId: "kiosk", limit: 10).isEmpty)
            #expect(
                refusals.first?.activity
                    == Self.activity("a-000003", "evil.example", "domain-not-allowed", count: 2, minutes: 3))
        }
    }
}
