import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import Testing

/// Listings through the router: gray release, widen, full, pause, cancel, rollback, delist, relist — and refusals.
struct ReleaseRoutesTests {
    static func approved(_ base: URL, _ store: SQLiteCatalogStore) async throws -> ReviewRoutesTests.Setup {
        let setup = try await ReviewRoutesTests.setUp(base, store)
        _ = try await ReviewRoutesTests.post(setup, "submit", setup.developer)
        return setup
    }

    static func act(_ setup: ReviewRoutesTests.Setup, _ action: String, _ body: String, token: String? = nil)
        async throws -> HostRoutesTests.Reply
    {
        try await HostRoutesTests.call(
            "POST", setup.base.appendingPathComponent("v1/apps/com.carins.quote/\(action)"), token: token ?? setup.ops,
            body: body)
    }

    @Test("the life of a listing, each step raising the host's catalog version")
    func lifecycle() async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await Self.approved(base, store)
            for host in ["mbank", "car"] {
                _ = try await HostRoutesTests.call(
                    "POST", base.appendingPathComponent("v1/hosts"), token: setup.ops,
                    body: "{\"id\": \"\(host)\", \"name\": \"\(host)\"}")
            }
            let early = try await Self.act(setup, "release", #"{"host": "mbank", "version": "2.1.0"}"#)
            #expect(early.status == 409, "in review, not approved")
            #expect(try early.json.require("detail").string().contains("only approved versions are released"))
            _ = try await ReviewRoutesTests.post(setup, "approve", setup.compliance)
            _ = try await ReviewRoutesTests.post(setup, "approve", setup.risk)
            #expect(
                try await Self.act(
                    setup, "release", #"{"host": "mbank", "version": "2.1.0", "percent": 30}"#, token: setup.developer
                ).status == 403)

            let gray = try await Self.act(
                setup, "release",
                #"{"host": "mbank", "version": "2.1.0", "percent": 30, "constraints": [{"contextName": "region", "operator": "IN", "values": ["shanghai"]}]}"#
            )
            #expect(gray.status == 200)
            #expect(try gray.json.require("state").string() == "gray")
            #expect(try gray.json.require("eventSequence").int() == 1)
            #expect(try await Self.act(setup, "release", #"{"host": "mbank", "version": "2.1.0"}"#).status == 409)
            #expect(try await Self.act(setup, "widen", #"{"host": "mbank", "percent": 60}"#).status == 200)
            #expect(try await Self.act(setup, "pause", #"{"host": "mbank"}"#).status == 200)
            #expect(try await Self.act(setup, "pause", #"{"host": "mbank"}"#).status == 409)
            let full = try await Self.act(setup, "full", #"{"host": "mbank"}"#)
            #expect(try full.json.require("state").string() == "full")
            #expect(try full.json.require("plan").require("stableVersion").string() == "2.1.0")
            #expect(try await Self.act(setup, "widen", #"{"host": "mbank", "percent": 80}"#).status == 409)

            let noReason = try await Self.act(setup, "delist", #"{"host": "mbank"}"#)
            #expect(noReason.status == 400)
            #expect(try noReason.json.require("detail").string().contains("say why"))
            let delisted = try await Self.act(
                setup, "delist", #"{"host": "mbank", "reason": "Partner licence suspended"}"#)
            #expect(try delisted.json.require("state").string() == "delisted")
            #expect(try await Self.act(setup, "delist", #"{"host": "mbank", "reason": "again please"}"#).status == 409)
            #expect(
                try await Self.act(setup, "release", #"{"host": "mbank", "version": "2.1.0"}"#).status == 409,
                "relist first")
            #expect(try await Self.act(setup, "relist", #"{"host": "mbank"}"#).json.require("state").string() == "full")
            #expect(try await Self.act(setup, "rollback", #"{"host": "mbank", "version": "9.9.9"}"#).status == 404)
            #expect(try await Self.act(setup, "release", #"{"host": "kiosk", "version": "2.1.0"}"#).status == 404)

            _ = try await Self.act(setup, "release", #"{"host": "car", "version": "2.1.0"}"#)
            let everywhere = try await Self.act(
                setup, "delist", #"{"host": "all", "reason": "Security incident at the partner"}"#)
            #expect(try everywhere.json.require("listings").array().count == 2)
            #expect(try await store.listings(appId: "com.carins.quote").allSatisfy { $0.state == .delisted })

            let state = try await store.hostState("mbank")
            #expect(state.catalogVersion == 7)
            #expect(state.eventSequence == 7)
            let listings = try await HostRoutesTests.call(
                "GET", base.appendingPathComponent("v1/apps/com.carins.quote/listings"), token: setup.developer)
            #expect(
                try listings.json.require("listings").array().first?.require("delistReason").string()
                    == "Security incident at the partner")
        }
    }

    @Test(
        "bad listing bodies are refused with their path",
        arguments: [
            (#"{"version": "2.1.0"}"#, "missing required field 'host'"),
            (#"{"host": "mbank", "version": "two"}"#, "$.version: not a semantic version"),
            (#"{"host": "mbank", "version": "2.1.0", "percent": 0}"#, "$.percent: a percentage from 1 to 100"),
            (#"{"host": "mbank", "version": "2.1.0", "colour": 1}"#, "unknown field 'colour'"),
            (#"{"host": "all", "version": "2.1.0"}"#, "'all' is only for delist"),
        ])
    func badBodies(_ body: String, _ message: String) async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await Self.approved(base, store)
            let reply = try await Self.act(setup, "release", body)
            #expect(reply.status == 400)
            let detail = try reply.json.require("detail").string()
            #expect(detail.contains(message), "\(detail)")
        }
    }
}
