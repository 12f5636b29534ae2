import Catalog
import CatalogAPI
import Hummingbird

/// Carries out listing commands: reads the listing and its host app, asks ``ListingStateMachine``, commits
/// the new listing with its event and audit entry in one transaction (only if nobody changed it meanwhile), and
/// publishes the signed event to the host's open streams. Used by the listing routes and host deactivation.
struct ListingChanges: Sendable {
    let store: any CatalogStore
    let clock: any CatalogClock
    let hub: EventHub
    let cache: CatalogCache
    let signer: EventSigner

    /// Applies `command` to the listing of `appId` on `hostId`, asked by `authority`; refusals are 409
    /// `illegal-transition` (403 for what that authority may never do). `accepting` accepts the host's pending
    /// offer in the same transaction.
    func apply(
        _ command: ListingCommand, appId: String, hostId: String, reason: String?, by actor: String,
        authority: ListingAuthority = .bank, accepting: OfferAcceptance? = nil
    ) async throws -> (listing: Listing, event: StoredEvent) {
        guard let host = try await store.hostApp(id: hostId) else {
            throw ProblemError.notFound("no host app '\(hostId)'")
        }
        let stored = try await store.listings(appId: appId).first { $0.hostId == hostId }
        let transition: ListingStateMachine.Transition
        switch ListingStateMachine.apply(
            command, to: stored, appId: appId, hostId: hostId, hostActive: host.active, authority: authority)
        {
        case .success(let result): transition = result
        case .failure(let refusal) where refusal.isForbidden:
            if case .delistedByBank = refusal {
                throw ProblemError(.forbidden, code: .delistedByBank, detail: refusal.description)
            }
            throw ProblemError(.forbidden, code: .forbidden, detail: refusal.description)
        case .failure(let refusal): throw Self.conflict(refusal.description)
        }
        let event: StoredEvent
        do {
            event = try await store.commit(
                transition.listing, event: transition.event, version: transition.version, reason: reason,
                at: clock.now(),
                audit: AuditEntry(
                    at: clock.now(), actor: actor,
                    action: accepting == nil ? "listing.\(command.action)" : "offer.accept",
                    target: "\(appId)@\(hostId)", reason: reason, organisation: host.organisation),
                expected: stored, requireActiveHost: command.action != "delist",
                seal: { [signer] in try signer.seal($0) }, accepting: accepting)
        } catch let changed as ListingChanged {
            throw Self.conflict(changed.description)
        } catch let unapproved as VersionNotApproved {
            throw Self.conflict(unapproved.description)
        } catch let unaccepted as VersionNotAccepted {
            throw ProblemError(.conflict, code: .offerRequired, detail: unaccepted.description)
        } catch let decided as OfferNotPending {
            throw ProblemError(.conflict, code: .offerNotPending, detail: decided.description)
        }
        await cache.invalidate(hostId)
        // Signed once, at commit; the host's open event streams here send it now (other replicas' streams when
        // the commit's notification reaches them).
        await hub.publish(hostId, try signer.frame(event))
        return (transition.listing, event)
    }

    static func conflict(_ detail: String) -> ProblemError {
        ProblemError(.conflict, code: .illegalTransition, detail: detail)
    }
}
