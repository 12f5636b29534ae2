import Catalog
import CatalogAPI
import CatalogServer
import Foundation
import MiniSupport
import Testing

/// A host's brand: set by operations, kept, answered with the host, and signed into its shells' catalogs.
struct HostBrandRoutesTests {
    static let brand = #"""
        {"title": "Metro Pay", "titleZh": "地铁支付", "accent": "green", "services": "City services",
         "servicesZh": "城市服务"}
        """#

    @Test("ops set a host's brand; the host answers it; the next catalog carries it, signed, with a new ETag")
    func brandReachesCatalogs() async throws {
        try await HealthRouteTests.withServer { base, store in
            let ops = try await HostRoutesTests.account(store, "ops-1", "ops")
            let created = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts"), token: ops, body: TestUsers.hostBody("mbank", "M"))
            let device = try await TestDevice.enrolled(base, hostKey: try created.json.require("hostKey").string())
            let (status, before, etag) = try await SyncRoutesTests.catalog(
                base, host: "mbank", user: "u1", token: device.token)
            #expect(status == 200)
            #expect(try Self.snapshot(before).brand == nil, "no brand: the shell's own look")

            let set = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts/mbank/brand"), token: ops, body: Self.brand)
            #expect(set.status == 200)
            #expect(try set.json.require("brand").require("title").string() == "Metro Pay")
            #expect(try await store.hostApp(id: "mbank")?.brand?.accent == .green)

            let (_, after, newTag) = try await SyncRoutesTests.catalog(
                base, host: "mbank", user: "u1", token: device.token, etag: etag)
            #expect(newTag != etag, "the brand is part of what the ETag names")
            let brand = try #require(try Self.snapshot(after).brand)
            #expect(
                brand
                    == HostBrand(
                        title: "Metro Pay", titleZh: "地铁支付", accent: .green, services: "City services",
                        servicesZh: "城市服务"))
        }
    }

    @Test(
        "a brand is strict and bounded, and only operations set it",
        arguments: [
            (#"{"title": "M", "accent": "pink", "services": "S"}"#, "$.accent"),
            (#"{"title": "", "accent": "blue", "services": "S"}"#, "$.title"),
            (#"{"title": "M", "accent": "blue"}"#, "$"),
            (#"{"title": "M", "accent": "blue", "services": "S", "logo": "x"}"#, "$.logo"),
            (#"{"title": "\#(String(repeating: "M", count: 31))", "accent": "blue", "services": "S"}"#, "$.title"),
        ])
    func refusals(_ body: String, _ path: String) async throws {
        try await HealthRouteTests.withServer { base, store in
            let ops = try await HostRoutesTests.account(store, "ops-1", "ops")
            _ = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts"), token: ops, body: TestUsers.hostBody("mbank", "M"))
            let url = base.appendingPathComponent("v1/hosts/mbank/brand")
            let refused = try await HostRoutesTests.call("POST", url, token: ops, body: body)
            #expect(refused.status == 400)
            #expect(try refused.json.require("detail").string().hasPrefix(path), "\(refused.json.value)")
            let developer = try await HostRoutesTests.account(store, "dev-1", "developer:carins")
            #expect(try await HostRoutesTests.call("POST", url, token: developer, body: Self.brand).status == 403)
            #expect(
                try await HostRoutesTests.call(
                    "POST", base.appendingPathComponent("v1/hosts/nowhere/brand"), token: ops, body: Self.brand
                ).status == 404)
        }
    }

    static func snapshot(_ data: Data) throws -> CatalogSnapshot {
        let envelope = try WireFormat.decoder().decode(SignedEnvelope.self, from: data)
        return try CatalogSnapshot(json: JSONCursor(try JSONValue.parse(envelope.payload)))
    }
}
