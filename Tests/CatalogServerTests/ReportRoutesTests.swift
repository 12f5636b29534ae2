import Catalog
import CatalogAPI
import CatalogServer
import Foundation
import MiniSupport
import Testing

/// Reports from shells: only as an enrolled device of the host, strict and bounded, counted once, rate-limited
/// per device; operations read complaints, counts in the status, and activity per host.
struct ReportRoutesTests {
    static let batch = #"""
        {"complaints": [{"id": "c-00000001", "appId": "com.carins.quote", "version": "2.1.0", "reason": "misleading",
          "text": "The price changed at the last step", "at": "2026-12-06T10:00:00Z"}],
         "activity": [
          {"id": "a-00000001", "appId": "com.carins.quote", "version": "2.1.0", "kind": "scope", "name": "phoneNumber",
           "outcome": "consent-denied", "count": 2, "first": "2026-12-06T10:00:00Z", "last": "2026-12-06T10:05:00Z"},
          {"id": "a-00000002", "appId": "com.carins.quote", "version": "2.1.0", "kind": "domain", "name": "evil.example",
           "outcome": "domain-not-allowed", "count": 1, "first": "2026-12-06T10:01:00Z", "last": "2026-12-06T10:01:00Z"},
          {"id": "a-00000003", "appId": "com.carins.quote", "kind": "scope", "name": "location",
           "outcome": "allowed", "count": 5, "first": "2026-12-06T10:01:00Z", "last": "2026-12-06T10:02:00Z"}]}
        """#

    @Test("a device reports complaints and activity; sent twice they count once; ops read them, status counts them")
    func flow() async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await ReleaseRoutesTests.approved(base, store)
            let created = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts"), token: setup.ops,
                body: TestUsers.hostBody("mbank", "Mobile banking"))
            let key = try created.json.require("hostKey").string()
            let device = try await TestDevice.enrolled(base, hostKey: key)
            let url = base.appendingPathComponent("v1/hosts/mbank/reports")
            let first = try await HostRoutesTests.call("POST", url, token: device.token, body: Self.batch)
            #expect(first.status == 200)
            #expect(try first.json.require("accepted").int() == 4 && first.json.require("new").int() == 4)
            let again = try await HostRoutesTests.call("POST", url, token: device.token, body: Self.batch)
            #expect(try again.json.require("new").int() == 0, "a retried batch is not counted twice")

            let complaints = try await HostRoutesTests.call(
                "GET", try #require(URL(string: "\(base)/v1/reports?app=com.carins.quote")), token: setup.ops)
            let complaint = try #require(try complaints.json.require("complaints").array().first)
            #expect(try complaint.require("text").string() == "The price changed at the last step")
            #expect(try complaint.require("hostId").string() == "mbank")
            #expect(try complaint.require("deviceId").string() == device.id)
            let activity = try await HostRoutesTests.call(
                "GET", base.appendingPathComponent("v1/apps/com.carins.quote/activity"), token: setup.ops)
            let host = try #require(try activity.json.require("hosts").array().first)
            #expect(try host.require("calls").array().count == 3)
            let refusals = try host.require("latestRefusals").array().map { try $0.require("outcome").string() }
            #expect(refusals == ["consent-denied", "domain-not-allowed"], "newest first")

            _ = try await ReviewRoutesTests.post(setup, "approve", setup.compliance)
            _ = try await ReviewRoutesTests.post(setup, "approve", setup.risk)
            #expect(
                try await ReleaseRoutesTests.act(setup, "release", #"{"host": "mbank", "version": "2.1.0"}"#).status
                    == 200)
            let status = try await HostRoutesTests.call(
                "GET", base.appendingPathComponent("v1/apps/com.carins.quote/status"), token: setup.ops)
            let listing = try #require(try status.json.require("hosts").array().first)
            #expect(try listing.require("complaints").int() == 1)
        }
    }

    @Test(
        "refused: no device token, another host's device, unknown fields, bad ids, too many items, bad times, too often",
        arguments: [
            (#"{"complaints": [], "extra": 1}"#, "$.extra"),
            (
                #"{"complaints": [{"id": "short", "appId": "com.x.y", "reason": "other", "text": "", "at": "2026-12-06T10:00:00Z"}]}"#,
                "$.complaints[0].id"
            ),
            (
                #"{"complaints": [{"id": "c-00000001", "appId": "com.x.y", "reason": "angry", "text": "", "at": "2026-12-06T10:00:00Z"}]}"#,
                "$.complaints[0].reason"
            ),
            (
                #"{"activity": [{"id": "a-00000001", "appId": "com.x.y", "kind": "scope", "name": "x", "outcome": "allowed", "count": 0, "first": "2026-12-06T10:00:00Z", "last": "2026-12-06T10:00:00Z"}]}"#,
                "$.activity[0].count"
            ),
            (
                #"{"activity": [{"id": "a-00000001", "appId": "com.x.y", "kind": "scope", "name": "x", "outcome": "allowed", "count": 1, "first": "2026-12-06T10:00:00Z", "last": "2026-12-06T09:00:00Z"}]}"#,
                "$.activity[0].last"
            ),
            (
                #"{"complaints": [{"id": "c-00000001", "appId": "com.x.y", "reason": "other", "text": "", "at": "yesterday"}]}"#,
                "$.complaints[0].at"
            ),
        ])
    func refusals(_ body: String, _ path: String) async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await ReleaseRoutesTests.approved(base, store)
            let created = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts"), token: setup.ops,
                body: TestUsers.hostBody("mbank", "Mobile banking"))
            let device = try await TestDevice.enrolled(base, hostKey: try created.json.require("hostKey").string())
            let url = base.appendingPathComponent("v1/hosts/mbank/reports")
            let reply = try await HostRoutesTests.call("POST", url, token: device.token, body: body)
            #expect(reply.status == 400)
            #expect(try reply.json.require("code").string() == "invalid-body")
            #expect(try reply.json.require("detail").string().hasPrefix(path), "\(reply.json.value)")
        }
    }

    @Test("only the host's own enrolled device may report, a batch is bounded, and one device cannot flood")
    func boundaries() async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await ReleaseRoutesTests.approved(base, store)
            var keys: [String: String] = [:]
            for host in ["mbank", "kiosk"] {
                let created = try await HostRoutesTests.call(
                    "POST", base.appendingPathComponent("v1/hosts"), token: setup.ops,
                    body: TestUsers.hostBody(host, host))
                keys[host] = try created.json.require("hostKey").string()
            }
            let device = try await TestDevice.enrolled(base, hostKey: try #require(keys["mbank"]))
            let url = base.appendingPathComponent("v1/hosts/mbank/reports")
            #expect(try await HostRoutesTests.call("POST", url, token: nil, body: "{}").status == 401)
            #expect(try await HostRoutesTests.call("POST", url, token: setup.ops, body: "{}").status == 401)
            let kiosk = base.appendingPathComponent("v1/hosts/kiosk/reports")
            #expect(try await HostRoutesTests.call("POST", kiosk, token: device.token, body: "{}").status == 403)
            let many = (0..<21).map { index in
                #"{"id": "c-\#(String(format: "%08d", index))", "appId": "com.x.y", "reason": "other", "text": "", "at": "2026-12-06T10:00:00Z"}"#
            }
            let tooMany = try await HostRoutesTests.call(
                "POST", url, token: device.token, body: #"{"complaints": [\#(many.joined(separator: ","))]}"#)
            #expect(tooMany.status == 400)
            let huge = try await HostRoutesTests.call(
                "POST", url, token: device.token,
                body: #"{"complaints": [], "x": "\#(String(repeating: "x", count: 200_000))"}"#)
            #expect(huge.status == 413)
            var statuses: [Int] = []
            for _ in 0..<12 {
                statuses.append(try await HostRoutesTests.call("POST", url, token: device.token, body: "{}").status)
            }
            #expect(statuses.contains(429), "a burst beyond ten batches is refused: \(statuses)")
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 429 })
        }
    }
}
