import Catalog
import Foundation
import MiniSupport

/// Listings with their catalog versions and events, delistings, and the segments gray releases name: one aggregate
/// of ``CatalogStore``, which both engines implement.
public protocol ListingStore: Sendable {
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
    ///
    /// On a host an external organisation runs, every version the plan hands out must be one it accepted
    /// (``VersionNotAccepted``). `accepting` accepts the host's pending offer of that version in the same
    /// transaction (``OfferNotPending`` when it is not pending any more).
    func commit(
        _ listing: Listing, event: CatalogEvent.Kind, version: SemanticVersion?, reason: String?, at: Date,
        audit: AuditEntry?, expected: Listing?, requireActiveHost: Bool, seal: EventSealer?,
        accepting: OfferAcceptance?
    ) async throws -> StoredEvent
    /// The host's current catalog version and last event sequence (0, 0 for a host with no change yet).
    func hostState(_ hostId: String) async throws -> (catalogVersion: UInt64, eventSequence: UInt64)
    /// The latest delisting event of each mini-program delisted on the host.
    func delistings(hostId: String) async throws -> [Tombstone]
    /// Events of a host after a sequence number, oldest first.
    func events(hostId: String, after: UInt64, limit: Int) async throws -> [StoredEvent]
    /// Every segment (a named, reusable list of constraints that gray releases refer to), by id.
    func segments() async throws -> [Segment]
    /// Creates a segment, with its audit entry, unless the name exists or `maximum` segments exist (checked in
    /// the same transaction). Segments never change once created, so a signed catalog never changes under a
    /// shell without a new catalog version.
    func createSegment(name: String, constraints: [RolloutConstraint], audit: AuditEntry?, maximum: Int) async throws
        -> SegmentCreation
}
