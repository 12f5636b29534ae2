import Catalog
import CatalogAPI
import Foundation
import MiniKit

/// Telling the server what this shell applied.
extension SyncAgent {
    /// Reports the applied catalog, the installed packages and unacknowledged purges; sent when something
    /// changed or every 15 minutes (so operations counts the shell as active).
    public func acknowledge() async {
        let host = configuration.hostId
        guard let catalog = currentCatalog() else { return }
        let installed = (try? store.installed()) ?? []
        let purged = (try? store.pendingPurges(host: host)) ?? []
        let sequence = appliedEventSequence()
        let now = clock.now()
        if purged.isEmpty, let last = lastAcknowledged, last.catalogVersion == catalog.snapshot.catalogVersion,
            last.eventSequence == sequence, last.installed == installed.count, now.timeIntervalSince(last.at) < 900
        {
            return
        }
        let sent = Array(purged.prefix(1_000))
        let ack = Acknowledgement(
            hostId: host, shellId: configuration.shellId, userId: configuration.userId,
            catalogVersion: catalog.snapshot.catalogVersion, eventSequence: sequence,
            installed: installed.prefix(1_000).map {
                Acknowledgement.InstalledPackage(appId: $0.appId, version: $0.version, sha256: $0.sha256)
            }, purged: sent, sentAt: now)
        let body = ack.wireJSON
        do {
            let reply = try await transport.send(
                HTTPRequest(
                    method: "POST", url: configuration.server + CatalogAPI.acknowledge.path(["hostId": host]),
                    headers: [("X-Host-Key", configuration.hostKey), ("Content-Type", "application/json")], body: body))
            guard reply.status == 204 else {
                note("ack", "the acknowledgement was answered \(reply.status): \(Self.detail(reply.body))")
                return
            }
        } catch {
            note("ack", "cannot send the acknowledgement: \(error)")
            return
        }
        try? store.markPurgesAcknowledged(host: host, apps: sent)
        lastAcknowledged = (catalog.snapshot.catalogVersion, sequence, installed.count, now)
        emit(.acknowledged(catalogVersion: catalog.snapshot.catalogVersion, eventSequence: sequence, purged: purged))
    }
}
