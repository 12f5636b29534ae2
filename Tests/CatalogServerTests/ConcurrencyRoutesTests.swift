import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import Testing

/// Changes that race, repeat or arrive out of order: none may undo another or leave half a change.
struct ConcurrencyRoutesTests {
    @Test("a listing change computed from a stale read is refused and changes nothing")
    func staleCommit() async throws {
        try await HealthRouteTests.withLiveServer { base, store in
            let setup = try await AudienceRoutesTests.ready(base, store)
            _ = try await ReleaseRoutesTests.act(
                setup, "release", #"{"host": "mbank", "version": "2.1.0", "percent": 20}"#)
            let gray = try #require(try await store.listings(appId: "com.carins.quote").first)
            _ = try await ReleaseRoutesTests.act(setup, "delist", #"{"host": "mbank", "reason": "Licence suspended"}"#)
            // A widen that read the listing before the delisting commits after it: refused.
            var widened = gray
            widened.plan.gray?.strategies[0].parameters["rollout"] = "50"
            await #expect(throws: ListingChanged.self) {
                try await store.commit(
                    widened, event: .grayChanged, version: nil, reason: nil, at: Date(), audit: nil, expected: gray,
                    requireActiveHost: true)
            }
            #expect(try await store.listings(appId: "com.carins.quote").first?.state == .delisted)
        }
    }

    @Test("delisting everywhere skips hosts where nothing is listed; widening resumes a paused release")
    func transitions() async throws {
        try await HealthRouteTests.withLiveServer { base, store in
            let setup = try await AudienceRoutesTests.ready(base, store)
            _ = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts"), token: setup.ops, body: #"{"id": "car", "name": "C"}"#)
            _ = try await ReleaseRoutesTests.act(
                setup, "release", #"{"host": "car", "version": "2.1.0", "percent": 10}"#)
            #expect(try await ReleaseRoutesTests.act(setup, "cancel", #"{"host": "car"}"#).status == 200)
            _ = try await ReleaseRoutesTests.act(
                setup, "release", #"{"host": "mbank", "version": "2.1.0", "percent": 10}"#)
            #expect(try await ReleaseRoutesTests.act(setup, "pause", #"{"host": "mbank"}"#).status == 200)
            let widened = try await ReleaseRoutesTests.act(setup, "widen", #"{"host": "mbank", "percent": 40}"#)
            #expect(try widened.json.require("state").string() == "gray")
            let listing = try #require(try await store.listings(hostId: "mbank").first)
            #expect(listing.plan.gray?.paused == false, "widening resumes it")
            #expect(try await ReleaseRoutesTests.act(setup, "pause", #"{"host": "mbank"}"#).status == 200)

            let all = try await ReleaseRoutesTests.act(setup, "delist", #"{"host": "all", "reason": "Fraud found"}"#)
            #expect(all.status == 200, "the cancelled listing on car is skipped")
            #expect(try all.json.require("listings").array().map { try $0.require("host").string() } == ["mbank"])
        }
    }

    @Test("a repeated upload is refused; reserved and duplicate host ids; malformed query numbers")
    func refusals() async throws {
        try await HealthRouteTests.withLiveServer { base, store in
            let setup = try await AudienceRoutesTests.ready(base, store)
            let again = try await AppRoutesTests.upload(
                base, app: "com.carins.quote", token: setup.developer, try AppRoutesTests.package("car-insurance"))
            #expect(again.status == 409)
            let hosts = base.appendingPathComponent("v1/hosts")
            let reserved = try await HostRoutesTests.call(
                "POST", hosts, token: setup.ops, body: #"{"id": "all", "name": "All"}"#)
            #expect(reserved.status == 400)
            #expect(try reserved.json.require("detail").string().contains("'all' is reserved"))
            let duplicate = try await HostRoutesTests.call(
                "POST", hosts, token: setup.ops, body: #"{"id": "mbank", "name": "Again"}"#)
            #expect(duplicate.status == 409)
            #expect(try await store.hostApp(id: "mbank")?.name == "M", "the first host app is untouched")
            let limit = try await HostRoutesTests.call(
                "GET", URL(string: base.appendingPathComponent("v1/audit").absoluteString + "?limit=abc")!,
                token: setup.ops)
            #expect(limit.status == 400)
        }
    }
}
