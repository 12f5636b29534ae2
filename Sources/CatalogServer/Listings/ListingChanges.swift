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

    /// Applies `command` to the listing of `appId` on `hostId`; refusals are 409 `illegal-transition`.
    func apply(_ command: ListingCommand, appId: String, hostId: String, reason: String?, by actor: String)
        async throws -> (listing: Listing, event: StoredEvent)
    {
        guard let host = try await store.hostApp(id: hostId) else {
            throw ProblemError.notFound("no host app '\(hostId)'")
        }
        let stored = try await store.listings(appId: appId).first { $0.hostId == hostId }
        let transition: ListingStateMachine.Transition
        switch ListingStateMachine.apply(command, to: stored, appId: appId, hostId: hostId, hostActive: host.active) {
        case .success(let result): transition = result
        case .failure(let refusal): throw Self.conflict(refusal.description)
        }
        let event: StoredEvent
        do {
            event = try await store.commit(
                transition.listing, event: transition.event, version: transition.version, reason: reason,
                at: clock.now(),
                audit: AuditEntry(
                    at: clock.now(), actor: actor, action: "listing.\(command.action)", target: "\(appId)@\(hostId)",
                    reason: reason),
                expected: stored, requireActiveHost: command.action != "delist",
                seal: { [signer] in try signer.seal($0) })
        } catch let changed as ListingChanged {
            throw Self.conflict(changed.description)
        } catch let unapproved as VersionNotApproved {
            throw Self.conflict(unapproved.description)
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
