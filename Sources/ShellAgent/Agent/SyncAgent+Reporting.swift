import Catalog
import Foundation
import MiniKit
import MiniSupport

/// Expiry, refusals and the sync log.
extension SyncAgent {
    /// Waits between reconnection attempts, waking when the catalog's launch window closes so the expiry is
    /// reported on time rather than at the next attempt (which may be half a minute away).
    func pause(_ duration: Duration) async {
        var remaining = duration
        while remaining > .zero, !Task.isCancelled {
            var nap = remaining
            if !expiredReported, let until = currentCatalog()?.launchableUntil {
                let left = until.timeIntervalSince(clock.now())
                if left >= 0 { nap = min(nap, .milliseconds(Int64(left * 1000) + 20)) }
            }
            try? await clock.sleep(for: nap)
            remaining -= nap
            checkExpiry()
        }
    }

    func checkExpiry() {
        guard !expiredReported,
            let catalog = currentCatalog(),
            clock.now() > catalog.launchableUntil
        else { return }
        expiredReported = true
        note("expired", "the catalog expired at \(Timestamp.format(catalog.snapshot.expiresAt)); launching is refused")
        emit(.expired(launchableUntil: catalog.launchableUntil))
    }

    func refuse(_ what: String, _ code: String, _ reason: String) {
        note("refused", "\(what) [\(code)]: \(reason)")
        emit(.refused(what: what, code: code, reason: reason))
    }

    func note(_ kind: String, _ detail: String) {
        try? store.log(kind, detail, at: clock.now())
    }

    func emit(_ event: AgentEvent) {
        eventSink.yield(event)
    }

    static func detail(_ body: Data) -> String {
        if let json = try? JSONValue.parse(body), let detail = try? JSONCursor(json).require("detail").string() {
            return detail
        }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }
}
