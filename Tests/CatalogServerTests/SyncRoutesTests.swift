import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The signed catalog shells fetch: device auth, gray resolution per user, tombstones, ETag/304, and an
/// envelope that verifies against the pinned key.
struct SyncRoutesTests {
    static func catalog(_ base: URL, host: String, user: String, token: String?, etag: String? = nil) async throws -> (
        Int, Data, String?
    ) {
        var components = URLComponents(
            url: base.appendingPathComponent("v1/hosts/\(host)/catalog"), resolvingAgainstBaseURL: false)!
        components.queryItems = [URLQueryItem(name: "p.region", value: "shanghai")]
        var request = URLRequest(url: components.url!)
        request.setValue(
            TestUsers.assertion(host: host, user: user, properties: ["region": "shanghai"]),
            forHTTPHeaderField: "Minicatalog-User-Assertion")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let etag { request.setValue(etag, forHTTPHeaderField: "If-None-Match") }
        let reply = try await RouteTransport.send(request)
        return (reply.status, reply.data, reply.headers["etag"])
    }

    static func user(inGray wanted: Bool) -> String {
        (0..<1_000).lazy.map { "user-\($0)" }.first {
            (GrayBucket.normalized($0, groupId: "com.carins.quote") <= 50) == wanted
        }!
    }

    @Test("gray and non-gray users get different catalogs; delisting leaves a tombstone; everything verifies")
    func signedCatalog() async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await ReleaseRoutesTests.approved(base, store)
            _ = try await ReviewRoutesTests.post(setup, "approve", setup.compliance)
            _ = try await ReviewRoutesTests.post(setup, "approve", setup.risk)
            let created = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts"), token: setup.ops,
                body: TestUsers.hostBody("mbank", "Mobile banking"))
            let device = try await TestDevice.enrolled(base, hostKey: try created.json.require("hostKey").string())
            #expect(
                try await ReleaseRoutesTests.act(
                    setup, "release", #"{"host": "mbank", "version": "2.1.0", "percent": 50}"#
                ).status == 200)

            let health = try await HealthRouteTests.get(base.appendingPathComponent("healthz"))
            let pinned = try VerificationKey(
                base64: try JSONCursor(try JSONValue.parse(Data(health.1.utf8))).require("publicKey").string())
            func verify(_ data: Data, user: String) throws -> CatalogSnapshot {
                let envelope = try WireFormat.decoder().decode(SignedEnvelope.self, from: data)
                return try EnvelopeVerifier(
                    policy: VerificationPolicy(trustedKeys: [pinned], hostId: "mbank", userId: user)
                ).verify(envelope, as: CatalogSnapshot.self)
            }

            let grayUser = Self.user(inGray: true)
            let (status, data, etag) = try await Self.catalog(base, host: "mbank", user: grayUser, token: device.token)
            #expect(status == 200)
            let grayCatalog = try verify(data, user: grayUser)
            #expect(grayCatalog.entries.map(\.appId) == ["com.carins.quote"])
            #expect(grayCatalog.entries.first?.gray == true)
            let entry = try #require(grayCatalog.entries.first)
            #expect(entry.partner == "CarIns", "the consent dialog names the partner company")
            #expect(entry.description == "Quote and buy car insurance by the day, paid from your bank account.")
            #expect(entry.name(in: "zh") == "按天车险" && entry.name(in: "fr") == entry.name, "falls back to English")
            #expect(entry.description(in: "zh").hasPrefix("按天报价"))
            let audience = try #require(entry.audience, "QA sees why this user is in the gray release")
            #expect(audience.contains("flexibleRollout"), "\(audience)")
            #expect(
                grayCatalog.entries.first?.package.sha256
                    == PackageStore.digest(try AppRoutesTests.package("car-insurance")))
            #expect(grayCatalog.catalogVersion == 1)
            let otherUser = Self.user(inGray: false)
            #expect(
                try verify(
                    try await Self.catalog(base, host: "mbank", user: otherUser, token: device.token).1, user: otherUser
                ).entries.isEmpty)

            let (unchanged, _, sameTag) = try await Self.catalog(
                base, host: "mbank", user: grayUser, token: device.token, etag: etag)
            #expect(unchanged == 304)
            #expect(sameTag == etag)

            _ = try await ReleaseRoutesTests.act(
                setup, "delist", #"{"host": "mbank", "reason": "Partner licence suspended"}"#)
            let (changed, after, newTag) = try await Self.catalog(
                base, host: "mbank", user: grayUser, token: device.token, etag: etag)
            #expect(changed == 200)
            #expect(newTag != etag)
            let delisted = try verify(after, user: grayUser)
            #expect(delisted.entries.isEmpty)
            #expect(delisted.tombstones.map(\.appId) == ["com.carins.quote"])
            #expect(delisted.tombstones.first?.reason == "Partner licence suspended")
            #expect(delisted.catalogVersion == 2)
        }
    }

    @Test("shells need a device of their own host; the host key itself reads no catalog")
    func hostKeys() async throws {
        try await HealthRouteTests.withServer { base, store in
            let ops = try await HostRoutesTests.account(store, "ops-1", "ops")
            let mbank = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts"), token: ops, body: TestUsers.hostBody("mbank", "M"))
            let car = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts"), token: ops, body: TestUsers.hostBody("car", "C"))
            #expect(try await Self.catalog(base, host: "mbank", user: "u1", token: nil).0 == 401)
            let carDevice = try await TestDevice.enrolled(
                base, host: "car", hostKey: try car.json.require("hostKey").string())
            #expect(try await Self.catalog(base, host: "mbank", user: "u1", token: carDevice.token).0 == 403)
            #expect(
                try await Self.catalog(
                    base, host: "mbank", user: "u1", token: try mbank.json.require("hostKey").string()
                )
                .0 == 401)
            let mbankDevice = try await TestDevice.enrolled(base, hostKey: try mbank.json.require("hostKey").string())
            #expect(try await Self.catalog(base, host: "mbank", user: "u1", token: mbankDevice.token).0 == 200)
        }
    }
}
