import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import Testing

/// Gray audiences beyond a percentage (segments, named users, variants) and the host app's life
/// (deactivation delists everything on it, activation, key rotation).
struct AudienceRoutesTests {
    static func explain(_ setup: ReviewRoutesTests.Setup, user: String, query: String = "") async throws
        -> HostRoutesTests.Reply
    {
        try await HostRoutesTests.call(
            "GET",
            URL(
                string: setup.base.appendingPathComponent("v1/apps/com.carins.quote/explain").absoluteString
                    + "?host=mbank&user=\(user)\(query)")!, token: setup.ops)
    }

    static func ready(_ base: URL, _ store: SQLiteCatalogStore) async throws -> ReviewRoutesTests.Setup {
        let setup = try await ReleaseRoutesTests.approved(base, store)
        _ = try await ReviewRoutesTests.post(setup, "approve", setup.compliance)
        _ = try await ReviewRoutesTests.post(setup, "approve", setup.risk)
        _ = try await HostRoutesTests.call(
            "POST", base.appendingPathComponent("v1/hosts"), token: setup.ops, body: #"{"id": "mbank", "name": "M"}"#)
        return setup
    }

    @Test("a gray release to a segment and named users: the engine picks exactly them, widen keeps them")
    func segmentsAndUsers() async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await Self.ready(base, store)
            let segments = base.appendingPathComponent("v1/segments")
            let vip = #"{"name": "vip", "constraints": [{"contextName": "tier", "operator": "IN", "values": ["vip"]}]}"#
            #expect(try await HostRoutesTests.call("POST", segments, token: setup.developer, body: vip).status == 403)
            #expect(try await HostRoutesTests.call("POST", segments, token: setup.ops, body: vip).status == 201)
            let again = try await HostRoutesTests.call("POST", segments, token: setup.ops, body: vip)
            #expect(again.status == 409)
            #expect(try again.json.require("code").string() == "segment-exists")
            let empty = try await HostRoutesTests.call(
                "POST", segments, token: setup.ops, body: #"{"name": "none", "constraints": []}"#)
            #expect(empty.status == 400)
            #expect(try empty.json.require("detail").string().contains("1 to 32 constraints"))
            let listed = try await HostRoutesTests.call("GET", segments, token: setup.developer)
            #expect(try listed.json.require("segments").array().map { try $0.require("name").string() } == ["vip"])

            let unknown = try await ReleaseRoutesTests.act(
                setup, "release", #"{"host": "mbank", "version": "2.1.0", "segments": ["staff"]}"#)
            #expect(unknown.status == 400)
            #expect(try unknown.json.require("detail").string().contains("no segment 'staff'"))

            let gray = try await ReleaseRoutesTests.act(
                setup, "release",
                #"{"host": "mbank", "version": "2.1.0", "segments": ["vip"], "userIds": ["tester-1"]}"#)
            #expect(gray.status == 200)
            #expect(try gray.json.require("state").string() == "gray", "an audience makes it a gray release")

            func version(_ user: String, _ query: String = "") async throws -> String? {
                let reply = try await Self.explain(setup, user: user, query: query)
                #expect(reply.status == 200)
                if case .string(let text) = try reply.json.require("state").value, text != "gray" { return nil }
                return try reply.json.field("version")?.string()
            }
            #expect(try await version("someone", "&p.tier=vip") == "2.1.0")
            #expect(try await version("someone") == nil, "not vip, not named: no stable version yet")
            #expect(try await version("tester-1") == "2.1.0", "named users get it whatever their context")

            #expect(
                try await ReleaseRoutesTests.act(setup, "widen", #"{"host": "mbank", "percent": 40}"#).status == 200)
            let plan = try await store.listings(appId: "com.carins.quote").first!.plan.gray!
            #expect(plan.strategies.map(\.name) == ["userWithId", "flexibleRollout"])
            #expect(plan.strategies[1].parameters["rollout"] == "40")
            #expect(plan.strategies[1].segments.count == 1, "widening keeps the segment")
            #expect(try await version("tester-1") == "2.1.0")

            let audit = try await HostRoutesTests.call(
                "GET", base.appendingPathComponent("v1/audit"), token: setup.ops)
            let actions = try audit.json.require("entries").array().map { try $0.require("action").string() }
            #expect(actions.prefix(3) == ["listing.widen", "listing.release", "segment.create"])
        }
    }

    @Test(
        "audience fields are checked",
        arguments: [
            (#"{"host": "mbank", "version": "2.1.0", "userIds": ["a,b"]}"#, 400, "no comma"),
            (
                #"{"host": "mbank", "version": "2.1.0", "variants": [{"version": "2.1.0", "weight": 0}]}"#, 400,
                "1 to 1000"
            ),
            (
                #"{"host": "mbank", "version": "2.1.0", "variants": [{"version": "2.1.0"}, {"version": "2.1.0"}]}"#,
                400,
                "named twice"
            ),
            (#"{"host": "mbank", "version": "2.1.0", "variants": [{"version": "3.0.0"}]}"#, 404, "no version 3.0.0"),
            (
                #"{"host": "mbank", "version": "2.1.0", "variants": [{"version": "2.1.0", "share": 1}]}"#, 400,
                "unknown field 'share'"
            ),
            // Input that could never work is refused where it is written.
            (
                #"{"host": "mbank", "version": "2.1.0", "constraints": [{"contextName": "region", "operator": "EXEC", "values": ["x"]}]}"#,
                400, "$.constraints[0].operator: unknown operator 'EXEC'"
            ),
            (
                #"{"host": "mbank", "version": "2.1.0", "constraints": [{"contextName": "email", "operator": "REGEX", "value": "("}]}"#,
                400, "$.constraints[0].value: the pattern '(' is refused"
            ),
            (
                #"{"host": "mbank", "version": "2.1.0", "constraints": [{"contextName": "age", "operator": "NUM_GT", "value": "old"}]}"#,
                400, "$.constraints[0].value: the value 'old' is not a number"
            ),
            (
                #"{"host": "mbank", "version": "2.1.0", "constraints": [{"contextName": "region", "operator": "IN", "values": [1]}]}"#,
                400, "$.constraints[0].values[0]: expected a string, found a number"
            ),
            (
                #"{"host": "mbank", "version": "2.1.0", "constraints": [{"contextName": "region", "operator": "IN", "value": "x"}]}"#,
                400, "IN takes 'values' (a list), not 'value'"
            ),
            (
                #"{"host": "mbank", "version": "2.1.0", "percent": "50"}"#, 400,
                "$.percent: expected an integer, found a string"
            ),
            (
                #"{"host": "mbank", "version": "2.1.0", "percent": 10.5}"#, 400,
                "$.percent: expected an integer, found 10.5"
            ),
            (
                #"{"host": "mbank", "version": "2.1.0", "host": "kiosk"}"#, 400,
                "$.host: not valid JSON: the field is named twice"
            ),
        ])
    func badAudiences(_ body: String, _ status: Int, _ message: String) async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await Self.ready(base, store)
            let reply = try await ReleaseRoutesTests.act(setup, "release", body)
            #expect(reply.status == status)
            let detail = try reply.json.require("detail").string()
            #expect(detail.contains(message), "\(detail)")
            #expect(try await store.listings(appId: "com.carins.quote").isEmpty, "nothing changed")
        }
    }

    @Test(
        "a segment that could never match is refused, and none is made",
        arguments: [
            (
                #"{"name": "x1", "constraints": [{"contextName": "region", "operator": "EXEC", "values": ["a"]}]}"#,
                "$.constraints[0].operator: unknown operator 'EXEC'"
            ),
            (
                #"{"name": "x2", "constraints": [{"contextName": "region", "operator": "REGEX", "value": "("}]}"#,
                "$.constraints[0].value: the pattern '(' is refused"
            ),
            (
                #"{"name": "x3", "constraints": [{"contextName": "region", "operator": "SEMVER_GT"}]}"#,
                "$.constraints[0]: SEMVER_GT needs 'value'"
            ),
            (
                #"{"name": "x3", "name": "x4", "constraints": [{"contextName": "r", "operator": "IN", "values": ["a"]}]}"#,
                "$.name: not valid JSON: the field is named twice"
            ),
        ])
    func badSegments(_ body: String, _ message: String) async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await Self.ready(base, store)
            let before = try await store.segments().count
            let reply = try await HostRoutesTests.call(
                "POST", setup.base.appendingPathComponent("v1/segments"), token: setup.ops, body: body)
            #expect(reply.status == 400)
            #expect(try reply.json.require("code").string() == "invalid-body")
            let detail = try reply.json.require("detail").string()
            #expect(detail.hasPrefix(message), "\(detail)")
            #expect(try await store.segments().count == before)
        }
    }

    @Test("a split between versions is stored as variants of the gray release")
    func variants() async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await Self.ready(base, store)
            let reply = try await ReleaseRoutesTests.act(
                setup, "release",
                #"{"host": "mbank", "version": "2.1.0", "percent": 20, "variants": [{"version": "2.1.0", "weight": 3}]}"#
            )
            #expect(reply.status == 200)
            let gray = try await store.listings(appId: "com.carins.quote").first!.plan.gray!
            #expect(gray.variants.map(\.name) == ["2.1.0"])
            #expect(gray.variants.map(\.weight) == [3])
            #expect(
                try await ReleaseRoutesTests.act(setup, "widen", #"{"host": "mbank", "percent": 50, "userIds": ["x"]}"#)
                    .status == 400, "audiences belong to a release")
        }
    }

    @Test(
        "deactivating a host delists everything on it, its devices still sync the tombstones, a new key replaces the old for enrolment"
    )
    func hostLife() async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await Self.ready(base, store)
            let hosts = base.appendingPathComponent("v1/hosts")
            let created = try await HostRoutesTests.call(
                "POST", hosts, token: setup.ops, body: TestUsers.hostBody("kiosk", "Kiosk"))
            let oldKey = try created.json.require("hostKey").string()
            let device = try await TestDevice.enrolled(base, host: "kiosk", hostKey: oldKey)
            _ = try await ReleaseRoutesTests.act(setup, "release", #"{"host": "kiosk", "version": "2.1.0"}"#)
            let deactivate = hosts.appendingPathComponent("kiosk/deactivate")
            #expect(try await HostRoutesTests.call("POST", deactivate, token: setup.ops, body: "{}").status == 400)
            #expect(
                try await HostRoutesTests.call(
                    "POST", deactivate, token: setup.developer, body: #"{"reason": "Kiosks retired"}"#
                ).status == 403)
            let reply = try await HostRoutesTests.call(
                "POST", deactivate, token: setup.ops, body: #"{"reason": "Kiosks retired"}"#)
            #expect(reply.status == 200)
            #expect(try reply.json.require("host").require("active").bool() == false)
            #expect(try reply.json.require("delisted").array().count == 1)
            let listing = try await store.listings(hostId: "kiosk").first!
            #expect(listing.state == .delisted)
            #expect(listing.delistReason == "host app deactivated: Kiosks retired")
            #expect(
                try await HostRoutesTests.call(
                    "POST", deactivate, token: setup.ops, body: #"{"reason": "Kiosks retired"}"#
                ).status == 409)
            #expect(
                try await ReleaseRoutesTests.act(setup, "relist", #"{"host": "kiosk"}"#).status == 409,
                "an inactive host lists nothing")

            let (status, data, _) = try await SyncRoutesTests.catalog(
                base, host: "kiosk", user: "u1", token: device.token)
            #expect(status == 200, "the shells of a deactivated host still learn what to delete")
            let snapshot = try WireFormat.decoder().decode(
                CatalogSnapshot.self,
                from: try WireFormat.decoder().decode(SignedEnvelope.self, from: data).payload)
            #expect(snapshot.entries.isEmpty)
            #expect(snapshot.tombstones.map(\.appId) == ["com.carins.quote"])

            let rotated = try await HostRoutesTests.call(
                "POST", hosts.appendingPathComponent("kiosk/rotate-key"), token: setup.ops)
            let newKey = try rotated.json.require("hostKey").string()
            #expect(newKey != oldKey)
            // The old key enrols no more; the new one does; devices enrolled before keep working.
            #expect(try await TestDevice.enrol(base, host: "kiosk", hostKey: oldKey).status == 401)
            #expect(try await TestDevice.enrol(base, host: "kiosk", hostKey: newKey).status == 201)
            #expect(try await SyncRoutesTests.catalog(base, host: "kiosk", user: "u1", token: device.token).0 == 200)

            let activate = hosts.appendingPathComponent("kiosk/activate")
            #expect(try await HostRoutesTests.call("POST", activate, token: setup.ops).status == 200)
            #expect(try await HostRoutesTests.call("POST", activate, token: setup.ops).status == 409)
            #expect(try await ReleaseRoutesTests.act(setup, "relist", #"{"host": "kiosk"}"#).status == 200)
        }
    }
}
