import Catalog
import CatalogAPI
import Foundation
import MiniKit

/// Following the event stream, and refreshing the catalog it changes.
extension SyncAgent {
    /// Follows the event stream until it ends; refreshes the catalog on every event and when it gets old.
    func follow() async {
        let host = configuration.hostId
        let after = appliedEventSequence()
        // No token: the catalog sync just before said why (enrolment failed, or the device was revoked).
        guard let token = try? await tokenForRequest() else { return }
        let stream = transport.stream(
            HTTPRequest(
                url: configuration.server + CatalogAPI.events.path(["hostId": host], query: [("after", String(after))]),
                headers: [("Authorization", "Bearer \(token)"), ("Accept", "text/event-stream")]))
        emit(.connected(after: after))
        var parser = ServerSentEventParser()
        do {
            for try await chunk in stream {
                let events: [ServerSentEvent]
                do {
                    events = try parser.feed(chunk)
                } catch {
                    // Handle what arrived whole before the oversized line, then reconnect.
                    for event in error.completed where event.event == "catalog" { await handle(event) }
                    throw error
                }
                for event in events where event.event == "catalog" {
                    await handle(event)
                }
                // Heartbeats arrive every 10 s: refresh a catalog that is a quarter through its life.
                // Paced by the last attempt, not the last success, and never inline: a refresh must not
                // hold up the next event (a recall), and a failing server must not be asked on every chunk.
                if let current = currentCatalog() {
                    let life = current.snapshot.expiresAt.timeIntervalSince(current.snapshot.issuedAt)
                    let now = clock.now()
                    // A quarter of the catalog's life (however short a QA server makes it), paced by attempts.
                    let interval = max(2, life / 4)
                    // A stream can outlive the catalog when refreshes keep failing: report it on time.
                    if now > current.launchableUntil { checkExpiry() }
                    if now.timeIntervalSince(current.fetchedAt) > interval,
                        now.timeIntervalSince(lastRefreshAttempt) > min(60, interval)
                    {
                        lastRefreshAttempt = now
                        scheduleRefresh()
                    }
                }
            }
            emit(.disconnected(reason: "the event stream ended"))
        } catch {
            emit(.disconnected(reason: "the event stream broke: \(error)"))
        }
    }

    /// The highest event sequence this shell has applied: the catalog's own, or a later event's.
    func appliedEventSequence() -> UInt64 {
        max(
            currentCatalog()?.snapshot.eventSequence ?? 0,
            (try? store.lastEvent(host: configuration.hostId))?.sequence ?? 0)
    }

    func handle(_ sse: ServerSentEvent) async {
        let host = configuration.hostId
        let last = try? store.lastEvent(host: host)
        // Everything up to the catalog's own event sequence is already applied: an older event, even validly
        // signed and unexpired, is a replay (it could undo a relisting).
        let floor = max(last?.sequence ?? 0, currentCatalog()?.snapshot.eventSequence ?? 0)
        guard
            let event = await verified(
                Data(sse.data.utf8), as: CatalogEvent.self, what: "event", lastVersion: floor == 0 ? nil : floor,
                lastIssuedAt: floor == last?.sequence ? last?.issuedAt : nil)
        else { return }
        if event.sequence <= floor { return }  // already applied (a resent event)
        if event.kind == .delisted {
            // Acted on at once, before the next catalog arrives; acknowledged with the refresh.
            await purge(
                Tombstone(
                    appId: event.appId, delistedAt: event.issuedAt, reason: event.reason ?? "delisted",
                    sequence: event.sequence), event: event)
        } else {
            try? store.saveLastEvent(host: host, sequence: event.sequence, issuedAt: event.issuedAt)
        }
        scheduleRefresh()
    }

    /// Fetches the catalog an event changed, after a random delay within the configured jitter: a thousand
    /// shells woken by one event must not ask the server for their catalogs in the same instant. Events that
    /// arrive meanwhile share the refresh; recalls never wait for it.
    func scheduleRefresh() {
        guard refresh == nil else { return }
        let jitter = configuration.refreshJitter
        refresh = Task {
            // Half of the window always passes first: the shells' own recalls and the server's event
            // fan-out come before a thousand catalog requests.
            let delay = jitter * Double.random(in: 0.5...1)
            if delay > .zero { try? await self.clock.sleep(for: delay) }
            await self.refreshNow()
        }
    }

    func refreshNow() async {
        refresh = nil
        guard !Task.isCancelled else { return }
        await sync()
        await acknowledge()
        checkExpiry()
    }
}
