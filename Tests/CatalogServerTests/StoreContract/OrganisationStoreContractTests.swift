import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import Testing

/// The store contract for organisations, offers and who delisted, against SQLite and PostgreSQL.
struct OrganisationStoreContractTests {
    static let at = CatalogStoreContractTests.at
    static let app = ListingStoreContractTests.app
    static let version = ListingStoreContractTests.version

    /// mbank (the bank's) and metropay (metro's), with the listing contract's app and versions.
    static func prepare(_ store: any CatalogStore) async throws {
        try await ListingStoreContractTests.prepare(store)
        #expect(try await store.createOrganisation(Organisation(id: "metro", name: "Metro Transit"), audit: nil))
        try await store.saveHostApp(HostApp(id: "metropay", name: "Metro Pay", organisation: "metro"), audit: nil)
    }

    @Test(
        "organisations: the bank's is always there, ids are unique, and a host keeps its organisation",
        arguments: StoreEngine.allCases)
    func organisations(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, reopen in
            #expect(try await store.organisations() == [Organisation(id: "bank", name: "The bank")])
            try await Self.prepare(store)
            #expect(try await store.createOrganisation(Organisation(id: "metro", name: "Again"), audit: nil) == false)
            let reopened = try await reopen()
            #expect(try await reopened.organisations().map(\.id) == ["bank", "metro"])
            #expect(try await reopened.hostApp(id: "metropay")?.organisation == "metro")
            #expect(try await reopened.hostApp(id: "mbank")?.organisation == "bank")
            #expect(try await reopened.hostApp(id: "metropay")?.isExternal == true)
        }
    }

    @Test(
        "an external host lists only versions it accepted; accepting lists in the same transaction, and only once",
        arguments: StoreEngine.allCases)
    func offers(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, reopen in
            try await Self.prepare(store)
            let listing = ListingStoreContractTests.listing(.full, host: "metropay")
            // Neither the bank's release nor anyone else's lists what metro did not accept.
            await #expect(throws: VersionNotAccepted.self) {
                _ = try await store.commit(
                    listing, event: .published, version: Self.version, reason: nil, at: Self.at, audit: nil,
                    expected: nil, requireActiveHost: true)
            }
            let offer = Offer(
                appId: Self.app, hostId: "metropay", version: Self.version,
                gray: .percentage(20, of: Self.version, groupId: Self.app),
                offeredBy: "ops", offeredAt: Self.at)
            #expect(
                try await store.createOffer(
                    offer,
                    audit: AuditEntry(
                        at: Self.at, actor: "ops", action: "offer.create", target: "x", organisation: "metro")))
            #expect(try await store.pendingOffer(appId: Self.app, hostId: "metropay") == offer)
            let acceptance = OfferAcceptance(version: Self.version, by: "hostops", at: Self.at, reason: "riders asked")
            // Accepting another version than the pending one lists nothing.
            await #expect(throws: OfferNotPending.self) {
                _ = try await store.commit(
                    listing, event: .published, version: Self.version, reason: nil, at: Self.at, audit: nil,
                    expected: nil, requireActiveHost: true, seal: nil,
                    accepting: OfferAcceptance(version: SemanticVersion(3, 0, 0), by: "h", at: Self.at, reason: nil))
            }
            #expect(try await store.listings(hostId: "metropay").isEmpty)
            _ = try await store.commit(
                listing, event: .published, version: Self.version, reason: nil, at: Self.at, audit: nil,
                expected: nil, requireActiveHost: true, seal: nil, accepting: acceptance)
            await #expect(throws: OfferNotPending.self) {
                _ = try await store.commit(
                    listing, event: .published, version: Self.version, reason: nil, at: Self.at, audit: nil,
                    expected: listing, requireActiveHost: true, seal: nil, accepting: acceptance)
            }
            // An accepted version is not offered again; the bank may list it again without a new offer.
            #expect(try await store.createOffer(offer, audit: nil) == false)
            let reopened = try await reopen()
            let stored = try #require(try await reopened.offers(hostIds: ["metropay"], limit: 10).first)
            #expect(stored.state == .accepted && stored.decidedBy == "hostops" && stored.reason == "riders asked")
            #expect(stored.gray == offer.gray)
            #expect(try await reopened.pendingOffer(appId: Self.app, hostId: "metropay") == nil)
            _ = try await reopened.commit(
                ListingStoreContractTests.listing(.unlisted, host: "metropay"), event: .grayChanged, version: nil,
                reason: nil, at: Self.at, audit: nil, expected: listing, requireActiveHost: true)
            _ = try await reopened.commit(
                listing, event: .published, version: Self.version, reason: nil, at: Self.at, audit: nil,
                expected: ListingStoreContractTests.listing(.unlisted, host: "metropay"), requireActiveHost: true)
            // The bank's own hosts need no offer.
            _ = try await reopened.commit(
                ListingStoreContractTests.listing(.full), event: .published, version: Self.version, reason: nil,
                at: Self.at, audit: nil, expected: nil, requireActiveHost: true)
        }
    }

    @Test(
        "a new offer withdraws the pending one; a declined offer keeps its reason and may be offered again",
        arguments: StoreEngine.allCases)
    func decisions(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            try await Self.prepare(store)
            let later = Self.at.addingTimeInterval(60)
            #expect(
                try await store.createOffer(
                    Offer(
                        appId: Self.app, hostId: "metropay", version: SemanticVersion(3, 0, 0), offeredBy: "ops",
                        offeredAt: Self.at), audit: nil))
            #expect(
                try await store.createOffer(
                    Offer(
                        appId: Self.app, hostId: "metropay", version: Self.version, offeredBy: "ops", offeredAt: later),
                    audit: nil))
            let both = try await store.offers(hostIds: nil, limit: 10)
            #expect(both.map(\.state) == [.pending, .withdrawn], "newest first")
            #expect(
                try await store.declineOffer(
                    appId: Self.app, hostId: "metropay", version: SemanticVersion(3, 0, 0), by: "h", at: later,
                    reason: nil, audit: nil) == false, "a withdrawn offer is not declined")
            #expect(
                try await store.declineOffer(
                    appId: Self.app, hostId: "metropay", version: Self.version, by: "h", at: later,
                    reason: "not for riders", audit: nil))
            let declined = try #require(try await store.offers(hostIds: ["metropay"], limit: 1).first)
            #expect(declined.state == .declined && declined.reason == "not for riders" && declined.decidedAt == later)
            #expect(
                try await store.createOffer(
                    Offer(
                        appId: Self.app, hostId: "metropay", version: Self.version, offeredBy: "ops", offeredAt: later),
                    audit: nil))
            let again = try #require(try await store.pendingOffer(appId: Self.app, hostId: "metropay"))
            #expect(again.reason == nil && again.decidedBy == nil)
            #expect(try await store.offers(hostIds: ["mbank"], limit: 10).isEmpty)
        }
    }

    @Test(
        "a delisting keeps who delisted; audit entries keep their organisation and are read per organisation",
        arguments: StoreEngine.allCases)
    func delisterAndAudit(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, reopen in
            try await Self.prepare(store)
            let full = ListingStoreContractTests.listing(.full)
            _ = try await store.commit(
                full, event: .published, version: Self.version, reason: nil, at: Self.at, audit: nil, expected: nil,
                requireActiveHost: true)
            var delisted = ListingStoreContractTests.listing(.delisted)
            delisted.delistedBy = "metro"
            _ = try await store.commit(
                delisted, event: .delisted, version: nil, reason: "Fraud", at: Self.at,
                audit: AuditEntry(
                    at: Self.at, actor: "hostops", action: "listing.delist", target: "x", organisation: "metro"),
                expected: full, requireActiveHost: false)
            try await store.appendAudit(AuditEntry(at: Self.at, actor: "rev", action: "review", target: "y"))
            let reopened = try await reopen()
            #expect(try await reopened.listings(hostId: "mbank").first?.delistedBy == "metro")
            #expect(try await reopened.auditLog(limit: 10).count == 2)
            let metro = try await reopened.auditLog(limit: 10, organisation: "metro")
            #expect(metro.map(\.actor) == ["hostops"])
            #expect(metro.first?.organisation == "metro")
            #expect(try await reopened.auditLog(limit: 10, organisation: "tram").isEmpty)
        }
    }
}
