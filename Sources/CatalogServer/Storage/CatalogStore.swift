import Catalog
import Foundation
import MiniKit
import MiniSupport

/// Where the platform keeps its state. SQLite (``SQLiteCatalogStore``) is the embedded default; the protocol
/// is the seam for a PostgreSQL store when several server replicas share one database.
public protocol CatalogStore: Sendable {
    /// Every host app, by id.
    func hostApps() async throws -> [HostApp]
    func hostApp(id: String) async throws -> HostApp?
    /// Creates or replaces a host app, with its audit entry in the same transaction.
    func saveHostApp(_ host: HostApp, audit: AuditEntry?) async throws
    /// Activates or deactivates a host app, with its audit entry, changing nothing else of it (a concurrent
    /// change of its user trust is never written back over); false when there is no such host.
    func setHostActive(hostId: String, active: Bool, audit: AuditEntry?) async throws -> Bool
    /// Replaces whom a host app's catalog believes about its users, with its audit entry, changing nothing else
    /// of it; false when there is no such host.
    func setUserTrust(hostId: String, userKeys: [String], clientProperties: [String], audit: AuditEntry?) async throws
        -> Bool
    /// Appends to the audit log.
    func appendAudit(_ entry: AuditEntry) async throws
    /// The newest audit entries first.
    func auditLog(limit: Int) async throws -> [AuditEntry]
    /// Checks that the store answers (for health checks).
    func ping() async throws
    /// Creates an account with one API token (stored hashed).
    func createAccount(_ account: Account, tokenHash: String, at: Date) async throws
    /// True when an account with this id exists.
    func accountExists(id: String) async throws -> Bool
    /// The account an API token (by its hash) belongs to; nil for unknown or revoked tokens.
    func account(forTokenHash hash: String) async throws -> Account?

    /// Every segment (a named, reusable list of constraints that gray releases refer to), by id.
    func segments() async throws -> [Segment]
    /// Creates a segment, with its audit entry, unless the name exists or `maximum` segments exist (checked in
    /// the same transaction). Segments never change once created, so a signed catalog never changes under a
    /// shell without a new catalog version.
    func createSegment(name: String, constraints: [RolloutConstraint], audit: AuditEntry?, maximum: Int) async throws
        -> SegmentCreation

    /// Creates a partner; false when the id exists.
    func createPartner(id: String, name: String) async throws -> Bool
    func partnerExists(_ id: String) async throws -> Bool
    /// Creates a mini-program; false when the id exists.
    func createMiniProgram(_ program: Catalog.MiniProgram) async throws -> Bool
    func miniProgram(id: String) async throws -> Catalog.MiniProgram?
    /// Mini-programs, of one partner or of all.
    func miniPrograms(partner: String?) async throws -> [Catalog.MiniProgram]
    /// Records an uploaded version with its review report (JSON) and the audit entry, in one transaction;
    /// false when that version exists.
    func addVersion(_ version: MiniProgramVersion, report: String, uploadedBy: String, at: Date, audit: AuditEntry?)
        async throws -> Bool
    func versions(appId: String) async throws -> [MiniProgramVersion]
    func version(appId: String, version: SemanticVersion) async throws -> StoredVersion?
    /// The digest of every stored version's package: what the package folder must keep.
    func packageDigests() async throws -> Set<String>
    /// The partners whose versions name this package (one, unless two uploads had the same bytes).
    func packageOwners(sha256: String) async throws -> Set<String>
    /// Versions waiting for review, oldest first.
    func versionsInReview() async throws -> [StoredVersion]
    /// Records a review decision and the version's new state in one transaction; false when the version
    /// was not in `expectedState` any more (a concurrent decision won).
    /// The listings of a mini-program (one per host app it was released on).
    func listings(appId: String) async throws -> [Listing]
    /// The listings of a host app.
    func listings(hostId: String) async throws -> [Listing]
    /// Saves a listing, raises the host's catalog version, appends the event and the audit entry, in one
    /// transaction: an acknowledged change is never half-recorded. Returns the event as stored.
    ///
    /// The change applies only if the stored listing is still `expected` (nil: none yet) and, with
    /// `requireActiveHost`, the host app is active; otherwise it throws ``ListingChanged`` and changes nothing,
    /// so two operators acting at once cannot undo each other's change (a delisting above all).
    ///
    /// `seal` signs the event inside the transaction, once: the signed envelope is stored with the event, so
    /// no replica signs it again for each stream, and on PostgreSQL it travels in the commit's notification.
    func commit(
        _ listing: Listing, event: CatalogEvent.Kind, version: SemanticVersion?, reason: String?, at: Date,
        audit: AuditEntry?, expected: Listing?, requireActiveHost: Bool, seal: EventSealer?
    ) async throws -> StoredEvent
    /// The host's current catalog version and last event sequence (0, 0 for a host with no change yet).
    func hostState(_ hostId: String) async throws -> (catalogVersion: UInt64, eventSequence: UInt64)

    /// Creates a host app with the hash of its key and the audit entry, in one transaction; false when the id
    /// exists (nothing changes then).
    func createHostApp(_ host: HostApp, keyHash: String, audit: AuditEntry?) async throws -> Bool
    /// Stores the hash of a host app's key (the shells' credential), replacing any earlier one, with the
    /// audit entry in the same transaction.
    func setHostKey(hostId: String, hash: String, audit: AuditEntry?) async throws
    /// The host whose key has this hash.
    func host(forKeyHash hash: String) async throws -> String?
    /// The latest delisting event of each mini-program delisted on the host.
    func delistings(hostId: String) async throws -> [Tombstone]

    /// Enrols a device with its host: a new device, a known key given a new token (the old one stops
    /// working), or — for a revoked device's key — nothing.
    func enrolDevice(id: String, hostId: String, publicKey: VerificationKey, tokenHash: String, at: Date)
        async throws -> EnrolmentResult
    /// The device a token belongs to (revoked ones too: the caller tells them apart).
    func device(forTokenHash hash: String) async throws -> Device?
    func device(id: String) async throws -> Device?
    /// The devices of one host, or of every host; by id.
    func devices(hostId: String?) async throws -> [Device]
    /// Revokes a device for good; false when there is no such device or it was revoked already.
    func revokeDevice(id: String, reason: String, at: Date, audit: AuditEntry?) async throws -> Bool
    /// Records that a device was seen.
    func touchDevice(id: String, at: Date) async throws
    /// Keeps a device's verified acknowledgement (the latest per device) and marks the device seen.
    func saveAcknowledgement(_ ack: Acknowledgement, receivedAt: Date) async throws
    /// The latest verified acknowledgement of a device.
    func acknowledgement(deviceId: String) async throws -> Acknowledgement?
    /// The latest acknowledgement of every device of a host that is not revoked, by device id.
    func acknowledgements(hostId: String) async throws -> [String: (ack: Acknowledgement, receivedAt: Date)]
    /// Events of a host after a sequence number, oldest first.
    func events(hostId: String, after: UInt64, limit: Int) async throws -> [StoredEvent]

    func recordReview(
        _ review: ReviewDecision, newState: MiniProgramVersion.ReviewState,
        expectedState: MiniProgramVersion.ReviewState, audit: AuditEntry?
    ) async throws -> Bool
}

/// Signs a catalog event as it is committed.
public typealias EventSealer = @Sendable (StoredEvent) throws -> EventSeal

extension CatalogStore {
    /// Commits a listing change whose event is signed when it is read (tests and tools that have no key).
    public func commit(
        _ listing: Listing, event: CatalogEvent.Kind, version: SemanticVersion?, reason: String?, at: Date,
        audit: AuditEntry?, expected: Listing?, requireActiveHost: Bool
    ) async throws -> StoredEvent {
        try await commit(
            listing, event: event, version: version, reason: reason, at: at, audit: audit, expected: expected,
            requireActiveHost: requireActiveHost, seal: nil)
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

    public init(at: Date, actor: String, action: String, target: String, reason: String? = nil) {
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
