import Catalog
import Foundation
import MiniSupport

/// The bank's offers to external organisations' host apps: one aggregate of ``CatalogStore``, which both engines
/// implement. An offer is accepted in the transaction that lists it (see ``ListingStore``'s `commit`).
public protocol OfferStore: Sendable {
    /// Records a pending offer with its audit entry, withdrawing the pending offer of the same mini-program to
    /// the same host, in one transaction. False (and nothing changes) when the host accepted this version already.
    func createOffer(_ offer: Offer, audit: AuditEntry?) async throws -> Bool
    /// The offers to the given hosts (nil: every host), newest first.
    func offers(hostIds: Set<String>?, limit: Int) async throws -> [Offer]
    /// The pending offer of a mini-program to a host, if any.
    func pendingOffer(appId: String, hostId: String) async throws -> Offer?
    /// Declines the pending offer of `version`, with its audit entry; false when it is not pending.
    func declineOffer(
        appId: String, hostId: String, version: SemanticVersion, by: String, at: Date, reason: String?,
        audit: AuditEntry?
    ) async throws -> Bool
}
