import Catalog
import CatalogServer
import MiniKit
import MiniSupport
import Testing

/// Every command against every listing state, with the host app active and not: the table below is the whole
/// behaviour, and the test fails if a combination is missing from it.
struct ListingStateMachineTests {
    static let appId = "com.carins.quote"
    static let host = "mbank"
    static let stable = SemanticVersion(2, 0, 0)
    static let candidate = SemanticVersion(2, 1, 0)
    static let gray = GrayRelease.percentage(10, of: candidate, groupId: appId)

    /// The listing states a stored listing can be in, and "none" (never released on the host).
    enum Start: String, CaseIterable {
        case none, unlisted, full, gray, paused, delistedFull, delistedGray

        var listing: Listing? {
            func listing(_ state: ListingState, stable: SemanticVersion?, gray: GrayRelease?) -> Listing {
                Listing(
                    appId: appId, hostId: host, state: state,
                    plan: ReleasePlan(appId: appId, hostId: host, stableVersion: stable, gray: gray),
                    delistReason: state == .delisted ? "licence" : nil)
            }
            var paused = ListingStateMachineTests.gray
            paused.paused = true
            return switch self {
            case .none: nil
            case .unlisted: listing(.unlisted, stable: nil, gray: nil)
            case .full: listing(.full, stable: stable, gray: nil)
            case .gray: listing(.gray, stable: stable, gray: ListingStateMachineTests.gray)
            case .paused: listing(.paused, stable: stable, gray: paused)
            case .delistedFull: listing(.delisted, stable: stable, gray: nil)
            case .delistedGray: listing(.delisted, stable: nil, gray: ListingStateMachineTests.gray)
            }
        }
    }

    static let commands: [(String, ListingCommand)] = [
        ("release", .release(candidate, gray: nil)), ("release-gray", .release(candidate, gray: gray)),
        ("widen", .widen(percent: 50)), ("full", .full), ("pause", .pause), ("cancel", .cancel),
        ("rollback", .rollback(stable)), ("delist", .delist(reason: "licence")), ("relist", .relist),
    ]

    /// "start command" → "state event [stable/gray]" after it, or "refused: REASON"; host app active.
    static let active: [String: String] = [
        "none release": "full published 2.1.0/-", "none release-gray": "gray gray-changed -/2.1.0",
        "none widen": "refused: noGrayRelease", "none full": "refused: noGrayRelease",
        "none pause": "refused: nothingToPause", "none cancel": "refused: nothingToCancel",
        "none rollback": "refused: notListed", "none delist": "refused: notListed",
        "none relist": "refused: notDelisted",

        "unlisted release": "full published 2.1.0/-", "unlisted release-gray": "gray gray-changed -/2.1.0",
        "unlisted widen": "refused: noGrayRelease", "unlisted full": "refused: noGrayRelease",
        "unlisted pause": "refused: nothingToPause", "unlisted cancel": "refused: nothingToCancel",
        "unlisted rollback": "refused: notListed", "unlisted delist": "refused: notListed",
        "unlisted relist": "refused: notDelisted",

        "full release": "full published 2.1.0/-", "full release-gray": "gray gray-changed 2.0.0/2.1.0",
        "full widen": "refused: noGrayRelease", "full full": "refused: noGrayRelease",
        "full pause": "refused: nothingToPause", "full cancel": "refused: nothingToCancel",
        "full rollback": "full rolled-back 2.0.0/-", "full delist": "delisted delisted 2.0.0/-",
        "full relist": "refused: notDelisted",

        "gray release": "refused: grayRunning", "gray release-gray": "refused: grayRunning",
        "gray widen": "gray gray-changed 2.0.0/2.1.0", "gray full": "full published 2.1.0/-",
        "gray pause": "paused gray-changed 2.0.0/2.1.0", "gray cancel": "full gray-changed 2.0.0/-",
        "gray rollback": "full rolled-back 2.0.0/-", "gray delist": "delisted delisted 2.0.0/2.1.0",
        "gray relist": "refused: notDelisted",

        "paused release": "refused: grayRunning", "paused release-gray": "refused: grayRunning",
        "paused widen": "gray gray-changed 2.0.0/2.1.0", "paused full": "full published 2.1.0/-",
        "paused pause": "refused: nothingToPause", "paused cancel": "full gray-changed 2.0.0/-",
        "paused rollback": "full rolled-back 2.0.0/-", "paused delist": "delisted delisted 2.0.0/2.1.0",
        "paused relist": "refused: notDelisted",

        "delistedFull release": "refused: delisted", "delistedFull release-gray": "refused: delisted",
        "delistedFull widen": "refused: noGrayRelease", "delistedFull full": "refused: noGrayRelease",
        "delistedFull pause": "refused: nothingToPause", "delistedFull cancel": "refused: nothingToCancel",
        "delistedFull rollback": "refused: notListed", "delistedFull delist": "refused: notListed",
        "delistedFull relist": "full relisted 2.0.0/-",

        "delistedGray release": "refused: delisted", "delistedGray release-gray": "refused: delisted",
        "delistedGray widen": "refused: noGrayRelease", "delistedGray full": "refused: noGrayRelease",
        "delistedGray pause": "refused: nothingToPause", "delistedGray cancel": "refused: nothingToCancel",
        "delistedGray rollback": "refused: notListed", "delistedGray delist": "refused: notListed",
        "delistedGray relist": "gray relisted -/2.1.0",
    ]

    /// With the host app deactivated only these differ: nothing is released or relisted there.
    static let inactive: [String: String] = [
        "none release": "refused: hostDeactivated", "none release-gray": "refused: hostDeactivated",
        "unlisted release": "refused: hostDeactivated", "unlisted release-gray": "refused: hostDeactivated",
        "full release": "refused: hostDeactivated", "full release-gray": "refused: hostDeactivated",
        "gray release": "refused: hostDeactivated", "gray release-gray": "refused: hostDeactivated",
        "paused release": "refused: hostDeactivated", "paused release-gray": "refused: hostDeactivated",
        "delistedFull release": "refused: hostDeactivated", "delistedFull release-gray": "refused: hostDeactivated",
        "delistedGray release": "refused: hostDeactivated", "delistedGray release-gray": "refused: hostDeactivated",
        "delistedFull relist": "refused: hostDeactivated", "delistedGray relist": "refused: hostDeactivated",
    ]

    static func outcome(_ result: Result<ListingStateMachine.Transition, ListingRefusal>) -> String {
        switch result {
        case .failure(let refusal):
            let name =
                switch refusal {
                case .hostDeactivated: "hostDeactivated"
                case .grayRunning: "grayRunning"
                case .delisted: "delisted"
                case .noGrayRelease: "noGrayRelease"
                case .nothingToPause: "nothingToPause"
                case .nothingToCancel: "nothingToCancel"
                case .notListed: "notListed"
                case .notDelisted: "notDelisted"
                case .delistedByBank: "delistedByBank"
                case .delistedByHost: "delistedByHost"
                case .bankOnly: "bankOnly"
                }
            return "refused: " + name
        case .success(let transition):
            let plan = transition.listing.plan
            return
                "\(transition.listing.state.rawValue) \(transition.event.rawValue) \(plan.stableVersion?.description ?? "-")/\(plan.gray?.version.description ?? "-")"
        }
    }

    @Test("every command in every state, host active or not, does what the table says", arguments: [true, false])
    func table(hostActive: Bool) {
        for start in Start.allCases {
            for (name, command) in Self.commands {
                let key = "\(start.rawValue) \(name)"
                let expected = (hostActive ? nil : Self.inactive[key]) ?? Self.active[key]
                let result = ListingStateMachine.apply(
                    command, to: start.listing, appId: Self.appId, hostId: Self.host, hostActive: hostActive)
                #expect(expected != nil, "\(key) is missing from the table")
                #expect(Self.outcome(result) == expected, "\(key), host active: \(hostActive)")
            }
        }
        #expect(Self.active.count == Start.allCases.count * Self.commands.count, "no stray rows")
    }

    @Test("what each transition carries: the event's version, the delisting reason, the widened audience")
    func details() throws {
        let full = try ListingStateMachine.apply(
            .release(Self.candidate, gray: nil), to: nil, appId: Self.appId, hostId: Self.host, hostActive: true
        ).get()
        #expect(full.version == Self.candidate)
        #expect(full.listing.delistReason == nil)

        let delisted = try ListingStateMachine.apply(
            .delist(reason: "licence suspended"), to: full.listing, appId: Self.appId, hostId: Self.host,
            hostActive: false
        ).get()
        #expect(delisted.listing.delistReason == "licence suspended")
        #expect(delisted.version == nil)
        let relisted = try ListingStateMachine.apply(
            .relist, to: delisted.listing, appId: Self.appId, hostId: Self.host, hostActive: true
        ).get()
        #expect(relisted.listing.delistReason == nil)
        #expect(relisted.listing.plan == full.listing.plan)

        let paused = try #require(Start.paused.listing)
        let widened = try ListingStateMachine.apply(
            .widen(percent: 50), to: paused, appId: Self.appId, hostId: Self.host, hostActive: true
        ).get()
        #expect(widened.listing.plan.gray?.paused == false, "widening resumes a paused release")
        #expect(widened.listing.plan.gray?.strategies.first?.parameters["rollout"] == "50")
        #expect(widened.version == Self.candidate)

        let refusal = ListingStateMachine.apply(
            .relist, to: delisted.listing, appId: Self.appId, hostId: Self.host, hostActive: false)
        #expect(refusal == .failure(.hostDeactivated(host: Self.host, relisting: true)))
        #expect("\(ListingRefusal.hostDeactivated(host: "mbank", relisting: true))".contains("activate it first"))
    }
}
