import Catalog
import Foundation
import MiniSupport

/// The bank's offer of an approved version of one of its mini-programs to a host app an external organisation
/// runs. Only what the host's organisation accepted is listed on its host.
public struct Offer: Sendable, Hashable {
    /// Where an offer stands.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Waiting for the host's organisation.
        case pending
        /// The organisation accepted it: the version was released on its host as offered.
        case accepted
        /// The organisation declined it: nothing was listed.
        case declined
        /// A newer offer of the same mini-program to the same host replaced it before anyone decided.
        case withdrawn
    }

    public var appId: String
    public var hostId: String
    public var version: SemanticVersion
    /// How the version starts on the host when accepted: nil for everyone, or a gray audience.
    public var gray: GrayRelease?
    public var state: State
    public var offeredBy: String
    public var offeredAt: Date
    public var decidedBy: String?
    public var decidedAt: Date?
    /// The organisation's reason for its decision.
    public var reason: String?

    public init(
        appId: String, hostId: String, version: SemanticVersion, gray: GrayRelease? = nil, state: State = .pending,
        offeredBy: String, offeredAt: Date, decidedBy: String? = nil, decidedAt: Date? = nil, reason: String? = nil
    ) {
        self.appId = appId
        self.hostId = hostId
        self.version = version
        self.gray = gray
        self.state = state
        self.offeredBy = offeredBy
        self.offeredAt = offeredAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.reason = reason
    }
}

/// A host organisation's acceptance of a pending offer, recorded in the transaction that lists the version, so
/// an offer is never accepted without being listed, nor listed without being accepted.
public struct OfferAcceptance: Sendable, Hashable {
    public var version: SemanticVersion
    public var by: String
    public var at: Date
    public var reason: String?

    public init(version: SemanticVersion, by: String, at: Date, reason: String?) {
        self.version = version
        self.by = by
        self.at = at
        self.reason = reason
    }
}

/// A listing change refused because it would list, on an external organisation's host, a version the
/// organisation did not accept. Checked by the store in the transaction that saves the listing.
public struct VersionNotAccepted: Error, Sendable, CustomStringConvertible {
    public var appId: String
    public var hostId: String
    public var version: SemanticVersion

    public init(appId: String, hostId: String, version: SemanticVersion) {
        self.appId = appId
        self.hostId = hostId
        self.version = version
    }

    public var description: String {
        "\(hostId) is run by another organisation, which has not accepted \(appId) \(version): offer it (minictl offer) and it is listed when they accept"
    }
}

/// An offer acceptance refused because the offer is no longer pending (decided or replaced meanwhile).
public struct OfferNotPending: Error, Sendable, CustomStringConvertible {
    public var appId: String
    public var hostId: String

    public init(appId: String, hostId: String) {
        self.appId = appId
        self.hostId = hostId
    }

    public var description: String {
        "the offer of '\(appId)' to \(hostId) was decided or replaced meanwhile; list the offers and try again"
    }
}
