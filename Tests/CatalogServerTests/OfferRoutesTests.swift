import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import Testing

/// Going out through the router: organisations, offers accepted and declined by the host's organisation, what
/// an external host's shells receive, who may delist and relist, and what a host organisation sees.
struct OfferRoutesTests {
    struct Platform {
        var setup: ReviewRoutesTests.Setup
        var metro: String
        var tram: String
        var metroKey: String

        /// The bank offers the app's 2.1.0 to metropay and Metro accepts: it is listed there for everyone.
        func listOnMetroPay() async throws {
            let offered = try await call(
                "POST", "\(OfferRoutesTests.app)/offers", setup.ops, #"{"host": "metropay", "version": "2.1.0"}"#)
            #expect(offered.status == 201)
            let accepted = try await call("POST", "/v1/hosts/metropay/offers/com.carins.quote/accept", metro, "{}")
            #expect(accepted.status == 200)
        }

        func call(_ method: String, _ path: String, _ token: String, _ body: String? = nil) async throws
            -> HostRoutesTests.Reply
        {
            try await HostRoutesTests.call(
                method, URL(string: setup.base.absoluteString + path)!, token: token, body: body)
        }
    }

    /// The listed app on mbank, the organisations metro (running metropay) and tram, and their hostops accounts.
    static func platform(_ base: URL, _ store: SQLiteCatalogStore) async throws -> Platform {
        let (setup, _) = try await ShellRoutesTests.listedApp(base, store)
        var platform = Platform(setup: setup, metro: "", tram: "", metroKey: "")
        for (id, name) in [("metro", "Metro Transit"), ("tram", "City Tram")] {
            let created = try await platform.call(
                "POST", "/v1/orgs", setup.ops, #"{"id": "\#(id)", "name": "\#(name)"}"#)
            #expect(created.status == 201)
        }
        platform.metro = try await HostRoutesTests.account(store, "hostops-metro", "hostops:metro")
        platform.tram = try await HostRoutesTests.account(store, "hostops-tram", "hostops:tram")
        var body = TestUsers.hostBody("metropay", "Metro Pay")
        body.removeLast()
        let created = try await platform.call("POST", "/v1/hosts", setup.ops, body + #", "organisation": "metro"}"#)
        #expect(created.status == 201)
        #expect(try created.json.require("organisation").string() == "metro")
        platform.metroKey = try created.json.require("hostKey").string()
        return platform
    }

    static let app = "/v1/apps/com.carins.quote"

    @Test("organisations: operators create them once; a host organisation sees only its own, and creates none")
    func organisations() async throws {
        try await HealthRouteTests.withServer { base, store in
            let platform = try await Self.platform(base, store)
            let ops = platform.setup.ops
            #expect(try await platform.call("POST", "/v1/orgs", ops, #"{"id": "metro", "name": "M"}"#).status == 409)
            let bad = try await platform.call("POST", "/v1/orgs", ops, #"{"id": "Metro!", "name": "M"}"#)
            #expect(bad.status == 400)
            #expect(try bad.json.require("detail").string().contains("$.id"))
            #expect(try await platform.call("POST", "/v1/orgs", ops, #"{"id": "bank", "name": "M"}"#).status == 400)
            #expect(
                try await platform.call("POST", "/v1/orgs", platform.metro, #"{"id": "bus", "name": "B"}"#).status
                    == 403)
            let all = try await platform.call("GET", "/v1/orgs", ops)
            #expect(
                try all.json.require("organisations").array().map { try $0.require("id").string() } == [
                    "bank", "metro", "tram",
                ])
            let own = try await platform.call("GET", "/v1/orgs", platform.metro)
            let organisations = try own.json.require("organisations").array()
            #expect(organisations.count == 1)
            #expect(try organisations[0].require("hosts").array().map { try $0.string() } == ["metropay"])
            // A host for an organisation that does not exist, or for another organisation, is refused.
            let unknown = try await platform.call(
                "POST", "/v1/hosts", ops, #"{"id": "busapp", "name": "Bus", "organisation": "bus"}"#)
            #expect(unknown.status == 422)
            #expect(try unknown.json.require("code").string() == "unknown-organisation")
            #expect(
                try await platform.call(
                    "POST", "/v1/hosts", platform.tram, #"{"id": "busapp", "name": "Bus", "organisation": "metro"}"#
                ).status == 403)
            #expect(
                try await platform.call(
                    "POST", "/v1/hosts", platform.tram, #"{"id": "busapp", "name": "Bus", "organisation": "bank"}"#
                ).status == 403, "a host organisation creates no host for the bank")
            let tramHost = try await platform.call(
                "POST", "/v1/hosts", platform.tram, #"{"id": "tramapp", "name": "T"}"#)
            #expect(tramHost.status == 201)
            #expect(try tramHost.json.require("organisation").string() == "tram")
        }
    }

    @Test("only an accepted offer is listed, as offered; the host's shells receive only what it accepted")
    func offers() async throws {
        try await HealthRouteTests.withServer { base, store in
            let platform = try await Self.platform(base, store)
            let ops = platform.setup.ops
            // The bank cannot list on an external host by itself.
            let direct = try await platform.call(
                "POST", "\(Self.app)/release", ops, #"{"host": "metropay", "version": "2.1.0"}"#)
            #expect(direct.status == 409)
            #expect(try direct.json.require("code").string() == "offer-required")
            // Offers go to external hosts only, of approved versions.
            #expect(
                try await platform.call("POST", "\(Self.app)/offers", ops, #"{"host": "mbank", "version": "2.1.0"}"#)
                    .status == 409)
            #expect(
                try await platform.call("POST", "\(Self.app)/offers", ops, #"{"host": "metropay", "version": "9.0.0"}"#)
                    .status == 404)
            #expect(
                try await platform.call(
                    "POST", "\(Self.app)/offers", platform.metro, #"{"host": "metropay", "version": "2.1.0"}"#
                ).status == 403)
            let offered = try await platform.call(
                "POST", "\(Self.app)/offers", ops, #"{"host": "metropay", "version": "2.1.0", "percent": 40}"#)
            #expect(offered.status == 201)
            #expect(try offered.json.require("state").string() == "pending")
            #expect(try offered.json.require("organisation").string() == "metro")

            let device = try await TestDevice.enrolled(base, host: "metropay", hostKey: platform.metroKey)
            let before = try await device.catalog(base, host: "metropay", user: "rider-1")
            #expect(try HostBrandRoutesTests.snapshot(before.1).entries.isEmpty, "nothing accepted, nothing listed")

            // Only metro's own account decides; the bank's and another organisation's may not.
            let accept = "/v1/hosts/metropay/offers/com.carins.quote/accept"
            #expect(try await platform.call("POST", accept, ops, "{}").status == 403)
            #expect(try await platform.call("POST", accept, platform.tram, "{}").status == 404)
            let accepted = try await platform.call("POST", accept, platform.metro, #"{"reason": "riders asked"}"#)
            #expect(accepted.status == 200)
            #expect(try accepted.json.require("state").string() == "accepted")
            #expect(try accepted.json.require("listing").require("state").string() == "gray", "as offered: 40 %")
            #expect(try await platform.call("POST", accept, platform.metro, "{}").status == 409)
            let after = try await device.catalog(base, host: "metropay", user: "rider-1")
            let entries = try HostBrandRoutesTests.snapshot(after.1).entries
            #expect(entries.allSatisfy { $0.appId == "com.carins.quote" })
            // The accepted version may be made full by the bank; a version metro never accepted may not.
            #expect(try await platform.call("POST", "\(Self.app)/full", ops, #"{"host": "metropay"}"#).status == 200)
            let listed = try await platform.call("GET", "/v1/offers?host=metropay", platform.metro)
            let offers = try listed.json.require("offers").array()
            #expect(offers.count == 1)
            #expect(try offers[0].require("reason").string() == "riders asked")
            #expect(try offers[0].require("decidedBy").string() == "hostops-metro")
            #expect(try await platform.call("GET", "/v1/offers?host=mbank", platform.metro).status == 404)
            #expect(try await platform.call("GET", "/v1/offers?state=maybe", ops).status == 400)
            // Offering an accepted version again is a conflict.
            let again = try await platform.call(
                "POST", "\(Self.app)/offers", ops, #"{"host": "metropay", "version": "2.1.0"}"#)
            #expect(try again.json.require("code").string() == "offer-exists")
        }
    }

    @Test("a declined offer lists nothing and keeps the organisation's reason")
    func decline() async throws {
        try await HealthRouteTests.withServer { base, store in
            let platform = try await Self.platform(base, store)
            _ = try await platform.call(
                "POST", "\(Self.app)/offers", platform.setup.ops, #"{"host": "metropay", "version": "2.1.0"}"#)
            let declined = try await platform.call(
                "POST", "/v1/hosts/metropay/offers/com.carins.quote/decline", platform.metro,
                #"{"reason": "insurance is not for riders"}"#)
            #expect(declined.status == 200)
            #expect(try declined.json.require("state").string() == "declined")
            #expect(try await store.listings(hostId: "metropay").isEmpty)
            let pending = try await platform.call("GET", "/v1/offers?state=pending", platform.setup.ops)
            #expect(try pending.json.require("offers").array().isEmpty)
            let all = try await platform.call("GET", "/v1/offers?state=declined", platform.setup.ops)
            #expect(
                try all.json.require("offers").array().first?.require("reason").string()
                    == "insurance is not for riders")
            #expect(
                try await platform.call(
                    "POST", "/v1/hosts/metropay/offers/com.carins.quote/accept", platform.metro, "{}"
                )
                .status == 409)
        }
    }

    @Test("the host's organisation delists on its own host and relists; the bank's delisting wins")
    func delisting() async throws {
        try await HealthRouteTests.withServer { base, store in
            let platform = try await Self.platform(base, store)
            let ops = platform.setup.ops
            try await platform.listOnMetroPay()
            // Not on the bank's hosts, not 'all', not another organisation's, and no other action.
            let onBank = try await platform.call(
                "POST", "\(Self.app)/delist", platform.metro, #"{"host": "mbank", "reason": "riders complained"}"#)
            #expect(onBank.status == 404)
            #expect(
                try await platform.call(
                    "POST", "\(Self.app)/delist", platform.metro, #"{"host": "all", "reason": "riders complained"}"#
                ).status == 403)
            #expect(
                try await platform.call(
                    "POST", "\(Self.app)/delist", platform.tram, #"{"host": "metropay", "reason": "riders complained"}"#
                ).status == 404)
            #expect(
                try await platform.call("POST", "\(Self.app)/pause", platform.metro, #"{"host": "metropay"}"#).status
                    == 403)
            let delisted = try await platform.call(
                "POST", "\(Self.app)/delist", platform.metro, #"{"host": "metropay", "reason": "riders complained"}"#)
            #expect(delisted.status == 200)
            #expect(try delisted.json.require("delistedBy").string() == "metro")
            // The bank may not relist what metro took down on its own host; metro may.
            #expect(try await platform.call("POST", "\(Self.app)/relist", ops, #"{"host": "metropay"}"#).status == 409)
            #expect(
                try await platform.call("POST", "\(Self.app)/relist", platform.metro, #"{"host": "metropay"}"#).status
                    == 200)
            _ = try await platform.call(
                "POST", "\(Self.app)/delist", platform.metro, #"{"host": "metropay", "reason": "riders complained"}"#)
            // The bank delists everywhere: it takes over metro's delisting, and metro cannot bring it back.
            let everywhere = try await platform.call(
                "POST", "\(Self.app)/delist", ops, #"{"host": "all", "reason": "licence withdrawn"}"#)
            #expect(everywhere.status == 200)
            let hosts = try everywhere.json.require("listings").array().map { try $0.require("host").string() }
            #expect(Set(hosts) == ["mbank", "metropay"])
            let refused = try await platform.call(
                "POST", "\(Self.app)/relist", platform.metro, #"{"host": "metropay"}"#)
            #expect(refused.status == 403)
            #expect(try refused.json.require("code").string() == "delisted-by-bank")
            let listing = try #require(try await store.listings(hostId: "metropay").first)
            #expect(listing.delistedBy == "bank" && listing.delistReason == "licence withdrawn")
        }
    }

    @Test("a host organisation sees its own hosts, their status, devices, complaints and audit entries, nothing else")
    func visibility() async throws {
        try await HealthRouteTests.withServer { base, store in
            let platform = try await Self.platform(base, store)
            let ops = platform.setup.ops
            try await platform.listOnMetroPay()
            let hosts = try await platform.call("GET", "/v1/hosts", platform.metro)
            #expect(try hosts.json.require("hosts").array().map { try $0.require("id").string() } == ["metropay"])
            #expect(try await platform.call("GET", "/v1/hosts/mbank", platform.metro).status == 404)
            #expect(try await platform.call("GET", "/v1/hosts/metropay", platform.metro).status == 200)
            #expect(try await platform.call("POST", "/v1/hosts/mbank/rotate-key", platform.metro).status == 404)
            let rotated = try await platform.call("POST", "/v1/hosts/metropay/rotate-key", platform.metro)
            #expect(rotated.status == 200)
            #expect(
                try await platform.call(
                    "POST", "/v1/hosts/metropay/deactivate", platform.metro,
                    #"{"reason": "not ours to do"}"#
                ).status == 403)
            let status = try await platform.call("GET", "\(Self.app)/status", platform.metro)
            #expect(try status.json.require("hosts").array().map { try $0.require("host").string() } == ["metropay"])
            #expect(try await platform.call("GET", "\(Self.app)/status", platform.tram).status == 404)
            #expect(try await platform.call("GET", "\(Self.app)/versions", platform.metro).status == 403)
            #expect(try await platform.call("GET", "/v1/apps", platform.metro).status == 403)
            #expect(try await platform.call("GET", "/v1/segments", platform.metro).status == 403)

            // Devices and complaints: only metropay's.
            let rider = try await TestDevice.enrolled(
                base, host: "metropay", hostKey: try rotated.json.require("hostKey").string())
            let bankDevice = try await TestDevice.enrolled(
                base,
                hostKey: try await platform.call("POST", "/v1/hosts/mbank/rotate-key", ops).json.require("hostKey")
                    .string())
            for (device, host) in [(rider, "metropay"), (bankDevice, "mbank")] {
                let (sent, _, _) = try await device.request(
                    "POST", base.appendingPathComponent("v1/hosts/\(host)/reports"),
                    body: Data(ReportRoutesTests.batch.utf8),
                    headers: ["Content-Type": "application/json"])
                #expect(sent == 200)
            }
            let complaints = try await platform.call("GET", "/v1/reports", platform.metro)
            let seen = try complaints.json.require("complaints").array().map { try $0.require("hostId").string() }
            #expect(!seen.isEmpty && Set(seen) == ["metropay"])
            let devices = try await platform.call("GET", "/v1/devices", platform.metro)
            #expect(try devices.json.require("devices").array().map { try $0.require("id").string() } == [rider.id])
            #expect(try await platform.call("GET", "/v1/devices?host=mbank", platform.metro).status == 404)
            #expect(
                try await platform.call(
                    "POST", "/v1/devices/\(bankDevice.id)/revoke", platform.metro, #"{"reason": "not ours"}"#
                ).status == 404)
            let activity = try await platform.call("GET", "\(Self.app)/activity", platform.metro)
            #expect(
                try activity.json.require("hosts").array().allSatisfy {
                    try $0.require("hostId").string() == "metropay"
                })

            // The audit log: only entries about metro's hosts, each naming metro; the bank's own stay hidden.
            let audit = try await platform.call("GET", "/v1/audit", platform.metro)
            let entries = try audit.json.require("entries").array()
            #expect(
                Set(try entries.map { try $0.require("action").string() }).isSuperset(of: [
                    "offer.create", "offer.accept", "host.rotate-key",
                ]))
            #expect(try entries.allSatisfy { try $0.require("organisation").string() == "metro" })
            let bankAudit = try await platform.call("GET", "/v1/audit", ops)
            #expect(
                try bankAudit.json.require("entries").array().contains {
                    try $0.field("organisation")?.string() == "bank"
                })
        }
    }
}
