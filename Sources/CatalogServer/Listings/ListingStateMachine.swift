import Catalog
import MiniKit
import MiniSupport

/// What an operator asks of a mini-program's listing on one host app.
public enum ListingCommand: Sendable, Hashable {
    /// A full release of a version, or a gray one when `gray` names an audience.
    case release(SemanticVersion, gray: GrayRelease?)
    /// A new percentage for the running gray release (resumes it when paused).
    case widen(percent: Int)
    /// The gray version becomes the stable version for everyone.
    case full
    /// The gray release stops handing out its version; the stable version stays.
    case pause
    /// The gray release ends; the stable version stays (or nothing is listed).
    case cancel
    /// An earlier approved version becomes the stable version, and any gray release ends.
    case rollback(SemanticVersion)
    /// Taken down: shells close it, delete it and confirm.
    case delist(reason: String)
    /// Listed again as it was before the delisting.
    case relist

    /// The action's name, as in the route and the audit log (`listing.release`, …).
    public var action: String {
        switch self {
        case .release: "release"
        case .widen: "widen"
        case .full: "full"
        case .pause: "pause"
        case .cancel: "cancel"
        case .rollback: "rollback"
        case .delist: "delist"
        case .relist: "relist"
        }
    }
}

/// Who asks for a listing change: the bank's operations, or the external organisation that runs the host.
public enum ListingAuthority: Sendable, Hashable {
    case bank
    case hostOrganisation(String)

    /// The organisation recorded as the delister.
    public var organisation: String {
        switch self {
        case .bank: Organisation.bankId
        case .hostOrganisation(let organisation): organisation
        }
    }
}

/// A command the listing's state does not allow, with what to do instead. Every case is a 409
/// `illegal-transition` on the API but ``delistedByBank`` and ``bankOnly``, which are 403s: no state of the
/// listing lets that organisation do it.
public enum ListingRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case hostDeactivated(host: String, relisting: Bool)
    case grayRunning(version: SemanticVersion?, host: String)
    case delisted(appId: String, host: String)
    case noGrayRelease(host: String, state: ListingState)
    case nothingToPause(state: ListingState)
    case nothingToCancel(host: String)
    case notListed(appId: String, host: String, state: ListingState, rollingBack: Bool)
    case notDelisted(appId: String, host: String)
    /// The bank delisted it: its host's organisation may not list it again.
    case delistedByBank(appId: String, host: String)
    /// The host's organisation delisted it on its own host: only it lists it again.
    case delistedByHost(appId: String, host: String, organisation: String)
    /// A host organisation asked for what only the bank's operations do.
    case bankOnly(action: String)

    /// True for refusals no state of the listing would change: the asker may never do it (403).
    public var isForbidden: Bool {
        switch self {
        case .delistedByBank, .bankOnly: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .hostDeactivated(let host, let relisting):
            relisting ? "host app '\(host)' is deactivated; activate it first" : "host app '\(host)' is deactivated"
        case .grayRunning(let version, let host):
            "a gray release of \(version?.description ?? "?") is running on \(host); widen it, make it full, or cancel it first"
        case .delisted(let appId, let host): "'\(appId)' is delisted on \(host); relist it first"
        case .noGrayRelease(let host, let state):
            "no gray release is running on \(host) (the listing is \(state.rawValue))"
        case .nothingToPause(let state):
            "only a running gray release can be paused (the listing is \(state.rawValue))"
        case .nothingToCancel(let host): "no gray release to cancel on \(host)"
        case .notListed(let appId, let host, let state, let rollingBack):
            rollingBack
                ? "'\(appId)' is \(state.rawValue) on \(host); only a listed mini-program can be rolled back"
                : "'\(appId)' is not listed on \(host)"
        case .notDelisted(let appId, let host): "'\(appId)' is not delisted on \(host)"
        case .delistedByBank(let appId, let host):
            "the bank delisted '\(appId)' on \(host); only the bank may list it again"
        case .delistedByHost(let appId, let host, let organisation):
            "\(organisation) delisted '\(appId)' on its host \(host); only \(organisation) may list it again"
        case .bankOnly(let action):
            "only the bank's operations \(action) mini-programs; host organisations delist and relist on their own hosts, and accept or decline offers"
        }
    }
}

/// The life of a listing as a pure function: the listing as stored (nil: never released on that host), whether
/// its host app is active, and a command give the new listing and the catalog event it publishes — or a
/// refusal. No I/O: the caller reads what it needs, and commits the result only if the stored listing is still
/// the one it read (see ``CatalogStore/commit(_:event:version:reason:at:audit:expected:requireActiveHost:)``).
public enum ListingStateMachine {
    /// The outcome of a command that the state allows.
    public struct Transition: Sendable, Hashable {
        public var listing: Listing
        public var event: CatalogEvent.Kind
        /// The version the event is about (nil for pause, cancel, delist and relist).
        public var version: SemanticVersion?
    }

    ///
    /// `authority` is who asks. A host organisation may only delist and relist. A delisting remembers its
    /// organisation: only it relists, and the bank's delisting wins — the bank delisting what the host's
    /// organisation delisted takes it over (a new delisting event), so the organisation cannot relist it.
    public static func apply(
        _ command: ListingCommand, to stored: Listing?, appId: String, hostId: String, hostActive: Bool,
        authority: ListingAuthority = .bank
    ) -> Result<Transition, ListingRefusal> {
        var listing =
            stored
            ?? Listing(
                appId: appId, hostId: hostId, state: .unlisted,
                plan: ReleasePlan(appId: appId, hostId: hostId, stableVersion: nil))
        let state = listing.state
        let grayRunning = state == .gray || state == .paused
        let delister = listing.delister
        switch (command, authority) {
        case (.delist, _), (.relist, _), (_, .bank): break
        case (_, .hostOrganisation): return .failure(.bankOnly(action: command.action))
        }
        switch command {
        case .release(let version, let gray):
            guard hostActive else { return .failure(.hostDeactivated(host: hostId, relisting: false)) }
            switch state {
            case .gray, .paused: return .failure(.grayRunning(version: listing.plan.gray?.version, host: hostId))
            case .delisted: return .failure(.delisted(appId: appId, host: hostId))
            case .unlisted, .full: break
            }
            if let gray {
                listing.plan.gray = gray
                listing.state = .gray
                return .success(Transition(listing: listing, event: .grayChanged, version: version))
            }
            listing.plan.stableVersion = version
            listing.plan.gray = nil
            listing.state = .full
            return .success(Transition(listing: listing, event: .published, version: version))
        case .widen(let percent):
            guard grayRunning, let gray = listing.plan.gray else {
                return .failure(.noGrayRelease(host: hostId, state: state))
            }
            listing.plan.gray = gray.widened(to: percent, groupId: appId)
            listing.state = .gray
            return .success(Transition(listing: listing, event: .grayChanged, version: gray.version))
        case .full:
            guard grayRunning, let gray = listing.plan.gray else {
                return .failure(.noGrayRelease(host: hostId, state: state))
            }
            listing.plan.stableVersion = gray.version
            listing.plan.gray = nil
            listing.state = .full
            return .success(Transition(listing: listing, event: .published, version: gray.version))
        case .pause:
            guard state == .gray, listing.plan.gray != nil else { return .failure(.nothingToPause(state: state)) }
            listing.plan.gray?.paused = true
            listing.state = .paused
            return .success(Transition(listing: listing, event: .grayChanged, version: nil))
        case .cancel:
            guard grayRunning else { return .failure(.nothingToCancel(host: hostId)) }
            listing.plan.gray = nil
            listing.state = listing.plan.stableVersion == nil ? .unlisted : .full
            return .success(Transition(listing: listing, event: .grayChanged, version: nil))
        case .rollback(let version):
            guard state.isListed else {
                return .failure(.notListed(appId: appId, host: hostId, state: state, rollingBack: true))
            }
            listing.plan.stableVersion = version
            listing.plan.gray = nil
            listing.state = .full
            return .success(Transition(listing: listing, event: .rolledBack, version: version))
        case .delist(let reason):
            let takeover = state == .delisted && authority == .bank && delister != Organisation.bankId
            guard stored != nil, state.isListed || takeover else {
                return .failure(.notListed(appId: appId, host: hostId, state: state, rollingBack: false))
            }
            listing.state = .delisted
            listing.delistReason = reason
            listing.delistedBy = authority.organisation
            return .success(Transition(listing: listing, event: .delisted, version: nil))
        case .relist:
            guard state == .delisted else { return .failure(.notDelisted(appId: appId, host: hostId)) }
            switch authority {
            case .bank where delister != Organisation.bankId:
                return .failure(.delistedByHost(appId: appId, host: hostId, organisation: delister))
            case .hostOrganisation(let organisation) where delister != organisation:
                return .failure(
                    delister == Organisation.bankId
                        ? .delistedByBank(appId: appId, host: hostId)
                        : .delistedByHost(appId: appId, host: hostId, organisation: delister))
            case .bank, .hostOrganisation: break
            }
            guard hostActive else { return .failure(.hostDeactivated(host: hostId, relisting: true)) }
            if let gray = listing.plan.gray {
                listing.state = gray.paused ? .paused : .gray
            } else {
                listing.state = .full
            }
            listing.delistReason = nil
            listing.delistedBy = nil
            return .success(Transition(listing: listing, event: .relisted, version: nil))
        }
    }
}
