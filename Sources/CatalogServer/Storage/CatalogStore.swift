import Catalog
import Foundation
import MiniKit
import MiniSupport

/// Where the platform keeps its state, one protocol per aggregate: SQLite (``SQLiteCatalogStore``) is the
/// embedded default, PostgreSQL (`PostgresCatalogStore`) the one several replicas share; one contract test
/// suite runs against both.
public protocol CatalogStore: AccountStore, HostStore, ProgramStore, ListingStore, DeviceStore, AuditStore,
    ReportStore, OfferStore
{
    /// Checks that the store answers (for health checks).
    func ping() async throws
}

/// Signs a catalog event as it is committed.
public typealias EventSealer = @Sendable (StoredEvent) throws -> EventSeal

extension ListingStore {
    /// Commits a listing change whose event is signed when it is read (tests and tools that have no key).
    public func commit(
        _ listing: Listing, event: CatalogEvent.Kind, version: SemanticVersion?, reason: String?, at: Date,
        audit: AuditEntry?, expected: Listing?, requireActiveHost: Bool
    ) async throws -> StoredEvent {
        try await commit(
            listing, event: event, version: version, reason: reason, at: at, audit: audit, expected: expected,
            requireActiveHost: requireActiveHost, seal: nil, accepting: nil)
    }

    /// Commits a listing change that accepts no offer.
    public func commit(
        _ listing: Listing, event: CatalogEvent.Kind, version: SemanticVersion?, reason: String?, at: Date,
        audit: AuditEntry?, expected: Listing?, requireActiveHost: Bool, seal: EventSealer?
    ) async throws -> StoredEvent {
        try await commit(
            listing, event: event, version: version, reason: reason, at: at, audit: audit, expected: expected,
            requireActiveHost: requireActiveHost, seal: seal, accepting: nil)
    }

    /// Calls `body` with every event of a host after `sequence`, oldest first, read 500 at a time; returns the
    /// last one's sequence (`sequence` when there is none).
    func forEachEvent(
        hostId: String, after sequence: UInt64, _ body: (StoredEvent) async throws -> Void
    ) async throws -> UInt64 {
        var last = sequence
        while true {
            let events = try await events(hostId: hostId, after: last, limit: 500)
            for event in events {
                try await body(event)
                last = event.sequence
            }
            if events.count < 500 { return last }
        }
    }
}

/// A listing change refused because the listing or its host changed since it was read.
public struct ListingChanged: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }

    /// The stored listing is not the one the change was computed from.
    public static func meanwhile(_ listing: Listing, now stored: Listing?) -> ListingChanged {
        ListingChanged(
            "the listing of '\(listing.appId)' on \(listing.hostId) changed meanwhile (now \(stored?.state.rawValue ?? "unlisted")); check it and try again"
        )
    }

    /// The host app was deactivated: nothing more is listed on it.
    public static func inactiveHost(_ hostId: String) -> ListingChanged {
        ListingChanged("host app '\(hostId)' is deactivated")
    }
}

/// A listing change refused because the plan would hand out a version that is not approved. Checked by the
/// store in the transaction that saves the listing, so no path (route, seed or race) lists unapproved code.
public struct VersionNotApproved: Error, Sendable, CustomStringConvertible {
    public var appId: String
    public var version: SemanticVersion
    /// Its review state, or nil when the version does not exist.
    public var state: MiniProgramVersion.ReviewState?

    public init(appId: String, version: SemanticVersion, state: MiniProgramVersion.ReviewState?) {
        self.appId = appId
        self.version = version
        self.state = state
    }

    public var description: String {
        guard let state else { return "no version \(version) of '\(appId)'" }
        return "version \(version) of '\(appId)' is \(state.rawValue); only approved versions are released"
    }
}

/// One operator action, kept forever: who did what to what, when and why.
public struct AuditEntry: Sendable, Hashable, Codable {
    public var at: Date
    public var actor: String
    public var action: String
    public var target: String
    public var reason: String?
    /// The organisation whose host app the entry is about (nil: the platform's own business, such as reviews).
    public var organisation: String?

    public init(
        at: Date, actor: String, action: String, target: String, reason: String? = nil, organisation: String? = nil
    ) {
        self.organisation = organisation
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.reason = reason
    }
}

/// A version with what the review workflow needs: who uploaded it, its report and its decisions so far.
public struct StoredVersion: Sendable, Hashable {
    public var version: MiniProgramVersion
    public var uploadedBy: String
    /// The review report, as the JSON the checker produced.
    public var report: String
    public var reviews: [ReviewDecision]

    public init(version: MiniProgramVersion, uploadedBy: String, report: String, reviews: [ReviewDecision]) {
        self.version = version
        self.uploadedBy = uploadedBy
        self.report = report
        self.reviews = reviews
    }

    /// The stage waiting for a decision: the first configured stage without an approval.
    public func currentStage(of stages: [String]) -> String? {
        stages.first { stage in !reviews.contains { $0.stage == stage && $0.approved } }
    }
}

/// One reviewer's decision on one stage.
public struct ReviewDecision: Sendable, Hashable {
    public var appId: String
    public var version: SemanticVersion
    public var stage: String
    public var approved: Bool
    public var reviewer: String
    public var reason: String?
    public var at: Date

    public init(
        appId: String, version: SemanticVersion, stage: String, approved: Bool, reviewer: String, reason: String?,
        at: Date
    ) {
        self.appId = appId
        self.version = version
        self.stage = stage
        self.approved = approved
        self.reviewer = reviewer
        self.reason = reason
        self.at = at
    }
}

/// A catalog event as stored: what happened, and when.
public struct StoredEvent: Sendable, Hashable {
    public var hostId: String
    public var sequence: UInt64
    public var catalogVersion: UInt64
    public var kind: CatalogEvent.Kind
    public var appId: String
    public var version: SemanticVersion?
    public var reason: String?
    public var at: Date
    /// The event as signed at commit; nil for events stored before events were signed at commit, or by a
    /// caller without a key.
    public var seal: EventSeal?

    public init(
        hostId: String, sequence: UInt64, catalogVersion: UInt64, kind: CatalogEvent.Kind, appId: String,
        version: SemanticVersion?, reason: String?, at: Date, seal: EventSeal? = nil
    ) {
        self.hostId = hostId
        self.sequence = sequence
        self.catalogVersion = catalogVersion
        self.kind = kind
        self.appId = appId
        self.version = version
        self.reason = reason
        self.at = at
        self.seal = seal
    }
}

/// A catalog event signed once, at commit: the id of the key that signed it and the signed envelope as JSON.
public struct EventSeal: Sendable, Hashable {
    public var keyId: String
    public var envelope: String

    public init(keyId: String, envelope: String) {
        self.keyId = keyId
        self.envelope = envelope
    }

    /// The seal of a stored or notified event, whose key id and envelope are there together or not at all.
    public init?(keyId: String?, envelope: String?) {
        guard let keyId, let envelope else { return nil }
        self.init(keyId: keyId, envelope: envelope)
    }
}

/// What ``CatalogStore/createSegment(name:constraints:audit:maximum:)`` did.
public enum SegmentCreation: Sendable {
    case created(Segment)
    /// A segment of that name exists already.
    case exists
    /// The platform has its maximum number of segments.
    case full
}

/// The store cannot reach its database now (a connection lost, a server restarting, no answer in time): the
/// request is answered 503 `database-unavailable` with `Retry-After`, and the store reconnects by itself.
public struct DatabaseUnavailable: Error, Sendable, CustomStringConvertible {
    public var detail: String
    public init(_ detail: String) { self.detail = detail }
    public var description: String { detail }
}
