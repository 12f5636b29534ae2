import Catalog
import CatalogServer
import Foundation
import MiniSupport
import ServerTestSupport
import Testing

/// Users the host vouches for: a catalog is resolved for the user and properties of a signed user assertion,
/// never for what the caller claims. The seeded car head unit lists the car-insurance quote to staff (an
/// e-mail at @bank.example) and to the user driver-demo only.
struct UserAssertionRoutesTests {
    static let staffOnly = "com.carins.quote"

    /// The app ids of a catalog answer, the header naming ignored properties, and the status.
    static func catalog(
        _ server: TestServer, _ device: TestDevice, user: String = "random-9", assertion: String?, query: String = ""
    ) async throws -> (status: Int, apps: [String], ignored: String?, code: String?) {
        var headers: [String: String] = [:]
        if let assertion { headers["Minicatalog-User-Assertion"] = assertion }
        let (status, body, answer) = try await device.request(
            "GET", try #require(URL(string: server.base.absoluteString + "/v1/hosts/carunit/catalog" + query)),
            headers: headers)
        guard status == 200 else {
            return (status, [], nil, try? JSONCursor(try JSONValue.parse(body)).require("code").string())
        }
        let snapshot = try EnvelopeVerifier(
            policy: VerificationPolicy(trustedKeys: [server.publicKey], hostId: "carunit", userId: user)
        ).verify(try SignedEnvelope(wire: body), as: CatalogSnapshot.self)
        return (status, snapshot.entries.map(\.appId), answer["minicatalog-ignored-properties"], nil)
    }

    static func device(_ server: TestServer, host: String = "carunit") async throws -> TestDevice {
        let key = SigningKey.generate()
        let (id, token) = try await server.enrolDevice(host: host, key: key)
        return TestDevice(key: key, id: id, token: token)
    }

    @Test("a property the caller claims is ignored: the staff-only gray build goes only to whom the host vouches for")
    func claimedPropertyIgnored() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let device = try await Self.device(server)
            let plain = server.userAssertion(host: "carunit", user: "random-9")
            // The attack of the finding: a host-key holder's device claims a staff e-mail in the query.
            let claimed = try await Self.catalog(server, device, assertion: plain, query: "?p.email=x%40bank.example")
            #expect(claimed.status == 200)
            #expect(!claimed.apps.contains(Self.staffOnly))
            #expect(claimed.ignored == "email")
            // The same user, vouched for as staff by the host's backend.
            let staff = server.userAssertion(
                host: "carunit", user: "random-9", properties: ["email": "x@bank.example"])
            #expect(try await Self.catalog(server, device, assertion: staff).apps.contains(Self.staffOnly))
            // A user id in the query is not who the assertion vouches for: refused, not believed.
            let impersonation = try await Self.catalog(server, device, assertion: plain, query: "?user=driver-demo")
            #expect(impersonation.status == 400)
            #expect(impersonation.code == "invalid-query")
            let driver = server.userAssertion(host: "carunit", user: "driver-demo")
            #expect(
                try await Self.catalog(server, device, user: "driver-demo", assertion: driver).apps == [Self.staffOnly])
        }
    }

    @Test("no assertion, or one that is forged, expired, too long-lived, for another host or device: 401")
    func refusals() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let device = try await Self.device(server)
            let key = try #require(server.userKey("carunit"))
            func signed(
                host: String = "carunit", by signer: SigningKey? = nil, issued: TimeInterval = 0,
                lifetime: TimeInterval = 600, deviceId: String? = nil
            ) -> String {
                TestUsers.assertion(
                    host: host, user: "random-9", deviceId: deviceId, issuedAt: Date().addingTimeInterval(issued),
                    lifetime: lifetime, signedWith: signer ?? key)
            }
            let missing = try await Self.catalog(server, device, assertion: nil)
            #expect(missing.status == 401)
            #expect(missing.code == "user-assertion-required")
            let cases: [(String, String)] = [
                ("garbage", "not base64!"),
                ("base64 of nothing useful", Data("{}".utf8).base64EncodedString()),
                ("signed by a key the host never registered", signed(by: .generate())),
                ("signed by the server's own key", signed(by: server.keyring.signingKey)),
                ("for the mobile-banking host", signed(host: "mbank", by: server.userKey("mbank"))),
                ("expired an hour ago", signed(issued: -4_200)),
                ("issued in the future", signed(issued: 3_600)),
                ("valid for two hours", signed(lifetime: 7_200)),
                ("bound to another device", signed(deviceId: "d-someone-else")),
            ]
            for (what, value) in cases {
                let answer = try await Self.catalog(server, device, assertion: value)
                #expect(answer.status == 401, "\(what)")
                #expect(answer.code == "invalid-user-assertion", "\(what)")
            }
            #expect(try await Self.catalog(server, device, assertion: signed(deviceId: device.id)).status == 200)
        }
    }

    @Test("ops set whom a host believes: a client-supplied property counts, a replaced key stops working")
    func userTrust() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let ops = try #require(server.token("ops-wang"))
            let device = try await Self.device(server)
            let old = try #require(server.userKey("carunit"))
            let new = SigningKey.generate()
            let trust = server.base.appendingPathComponent("v1/hosts/carunit/user-trust")
            func set(_ body: String) async throws -> HostRoutesTests.Reply {
                try await HostRoutesTests.call("POST", trust, token: ops, body: body)
            }
            let bad = try await set(#"{"userKeys": ["not-a-key"]}"#)
            #expect(bad.status == 400)
            #expect(try bad.json.require("detail").string().contains("$.userKeys[0]"))
            #expect(try await set(#"{"clientProperties": ["e mail"]}"#).status == 400)
            #expect(try await set(#"{"userKeys": [], "extra": 1}"#).status == 400)
            #expect(
                try await HostRoutesTests.call(
                    "POST", trust, token: try #require(server.token("dev-carins")), body: "{}"
                ).status == 403)

            // Both keys during the change, and e-mail declared something the shell may state for itself.
            let both = try await set(
                #"{"userKeys": ["\#(old.verificationKey.base64)", "\#(new.verificationKey.base64)"], "clientProperties": ["email"]}"#
            )
            #expect(both.status == 200)
            #expect(try both.json.require("clientProperties").array().map { try $0.string() } == ["email"])
            let byOld = TestUsers.assertion(host: "carunit", user: "random-9", signedWith: old)
            let byNew = TestUsers.assertion(host: "carunit", user: "random-9", signedWith: new)
            let stated = try await Self.catalog(server, device, assertion: byOld, query: "?p.email=x%40bank.example")
            #expect(stated.apps.contains(Self.staffOnly))
            #expect(stated.ignored == nil)
            // What the host vouches for wins over what the shell states.
            let vouched = TestUsers.assertion(
                host: "carunit", user: "random-9", properties: ["email": "x@mail.example"], signedWith: new)
            #expect(
                try await !Self.catalog(server, device, assertion: vouched, query: "?p.email=x%40bank.example").apps
                    .contains(Self.staffOnly))

            // The old key removed: its assertions are refused at once, the new key's are taken.
            #expect(try await set(#"{"userKeys": ["\#(new.verificationKey.base64)"]}"#).status == 200)
            #expect(try await Self.catalog(server, device, assertion: byOld).code == "invalid-user-assertion")
            #expect(try await Self.catalog(server, device, assertion: byNew).status == 200)
            let audit = try await server.store.auditLog(limit: 5).map(\.action)
            #expect(audit.filter { $0 == "host.user-trust" }.count == 2)
        }
    }

    @Test("each entry carries the user's openId: stable across sign-ins, different per app and user, the server's own")
    func openIds() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let device = try await Self.device(server, host: "mbank")
            func openIds(_ user: String, issued: Date = Date()) async throws -> [String: String] {
                let assertion = TestUsers.assertion(
                    host: "mbank", user: user, issuedAt: issued, signedWith: try #require(server.userKey("mbank")))
                let (status, body, _) = try await device.catalog(server.base, user: user, assertion: assertion)
                #expect(status == 200)
                let snapshot = try CatalogSnapshot(wire: try SignedEnvelope(wire: body).payload)
                var ids: [String: String] = [:]
                for entry in snapshot.entries { ids[entry.appId] = try #require(entry.openId) }
                return ids
            }
            let first = try await openIds("u-1002")
            #expect(first.count >= 2)
            #expect(Set(first.values).count == first.count, "a different openId for every app")
            #expect(try await openIds("u-1002", issued: Date().addingTimeInterval(-60)) == first, "the next sign-in")
            let other = try await openIds("u-1003")
            for (app, openId) in first {
                // 32 hex digits under the server's random secret: never the user id (whose digits a random
                // openId may well contain by chance).
                #expect(openId.count == 32 && openId.allSatisfy(\.isHexDigit) && !openId.contains("u-1002"))
                #expect(other[app].map { $0 != openId } ?? true)
                #expect(openId == server.keyring.openId.derive(hostId: "mbank", appId: app, userId: "u-1002"))
            }
        }
    }
}
