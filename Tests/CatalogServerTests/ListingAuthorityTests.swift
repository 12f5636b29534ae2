import Catalog
import CatalogServer
import MiniKit
import MiniSupport
import Testing

/// Who may take a service down and bring it back, as a table: the bank, the organisation that runs the host
/// ("metro"), and another organisation ("tram") against listings delisted by each of them. The bank's
/// delisting wins: it takes over the host organisation's, which then may not relist.
struct ListingAuthorityTests {
    static let appId = "com.bank.branch-queue"
    static let host = "metropay"

    enum Start: String, CaseIterable {
        case full, delistedByBank, delistedByMetro, delistedBefore

        var listing: Listing {
            let plan = ReleasePlan(appId: appId, hostId: host, stableVersion: SemanticVersion(1, 0, 0))
            return switch self {
            case .full: Listing(appId: appId, hostId: host, state: .full, plan: plan)
            case .delistedByBank:
                Listing(appId: appId, hostId: host, state: .delisted, plan: plan, delistReason: "r", delistedBy: "bank")
            case .delistedByMetro:
                Listing(
                    appId: appId, hostId: host, state: .delisted, plan: plan, delistReason: "r", delistedBy: "metro")
            // Delisted before organisations existed: the bank's.
            case .delistedBefore:
                Listing(appId: appId, hostId: host, state: .delisted, plan: plan, delistReason: "r")
            }
        }
    }

    static let authorities: [(String, ListingAuthority)] = [
        ("bank", .bank), ("metro", .hostOrganisation("metro")), ("tram", .hostOrganisation("tram")),
    ]

    /// "start authority command" → "state delistedBy" after it, or "refused: REASON".
    static let table: [String: String] = [
        "full bank delist": "delisted bank", "full metro delist": "delisted metro", "full tram delist": "delisted tram",
        "full bank relist": "refused: notDelisted", "full metro relist": "refused: notDelisted",
        "full tram relist": "refused: notDelisted",

        "delistedByBank bank delist": "refused: notListed", "delistedByBank metro delist": "refused: notListed",
        "delistedByBank tram delist": "refused: notListed",
        "delistedByBank bank relist": "full -", "delistedByBank metro relist": "refused: delistedByBank",
        "delistedByBank tram relist": "refused: delistedByBank",

        "delistedByMetro bank delist": "delisted bank", "delistedByMetro metro delist": "refused: notListed",
        "delistedByMetro tram delist": "refused: notListed",
        "delistedByMetro bank relist": "refused: delistedByHost", "delistedByMetro metro relist": "full -",
        "delistedByMetro tram relist": "refused: delistedByHost",

        "delistedBefore bank delist": "refused: notListed", "delistedBefore metro delist": "refused: notListed",
        "delistedBefore tram delist": "refused: notListed",
        "delistedBefore bank relist": "full -", "delistedBefore metro relist": "refused: delistedByBank",
        "delistedBefore tram relist": "refused: delistedByBank",
    ]

    @Test("delist and relist by every authority against every delisting: the table is the whole behaviour")
    func delistAndRelist() {
        for start in Start.allCases {
            for (name, authority) in Self.authorities {
                for (command, listingCommand) in [
                    ("delist", ListingCommand.delist(reason: "why")), ("relist", .relist),
                ] {
                    let key = "\(start.rawValue) \(name) \(command)"
                    let result = ListingStateMachine.apply(
                        listingCommand, to: start.listing, appId: Self.appId, hostId: Self.host, hostActive: true,
                        authority: authority)
                    let outcome =
                        switch result {
                        case .success(let transition):
                            "\(transition.listing.state.rawValue) \(transition.listing.delistedBy ?? "-")"
                        case .failure(let refusal): ListingStateMachineTests.outcome(.failure(refusal))
                        }
                    #expect(Self.table[key] != nil, "\(key) is missing from the table")
                    #expect(outcome == Self.table[key], "\(key)")
                }
            }
        }
        #expect(Self.table.count == Start.allCases.count * Self.authorities.count * 2, "no stray rows")
    }

    @Test("a host organisation may only delist and relist; every other command is the bank's, whatever the state")
    func bankOnly() {
        for start in ListingStateMachineTests.Start.allCases {
            for (name, command) in ListingStateMachineTests.commands where name != "delist" && name != "relist" {
                let result = ListingStateMachine.apply(
                    command, to: start.listing, appId: Self.appId, hostId: Self.host, hostActive: true,
                    authority: .hostOrganisation("metro"))
                #expect(result == .failure(.bankOnly(action: command.action)), "\(start.rawValue) \(name)")
            }
        }
        #expect(ListingRefusal.bankOnly(action: "release").isForbidden)
        #expect(ListingRefusal.delistedByBank(appId: "a", host: "h").isForbidden)
        #expect(!ListingRefusal.delistedByHost(appId: "a", host: "h", organisation: "metro").isForbidden)
    }

    @Test("the bank taking over a host organisation's delisting publishes a delisting of its own, with its reason")
    func takeover() throws {
        let transition = try ListingStateMachine.apply(
            .delist(reason: "licence withdrawn"), to: Start.delistedByMetro.listing, appId: Self.appId,
            hostId: Self.host, hostActive: false
        ).get()
        #expect(transition.event == .delisted)
        #expect(transition.listing.delistReason == "licence withdrawn")
        #expect(transition.listing.delistedBy == Organisation.bankId)
    }
}
