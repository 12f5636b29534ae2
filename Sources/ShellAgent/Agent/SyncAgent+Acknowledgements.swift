import Catalog
import CatalogAPI
import Foundation
import MiniKit

/// Telling the server what this shell applied.
extension SyncAgent {
    /// Reports the applied catalog, the installed packages and unacknowledged purges — sent when something
    /// changed or every 15 minutes (so operations counts the shell as active) — then what waits in the reports
    /// outbox.
    public func acknowledge() async {
        await sendAcknowledgement()
        await sendReports()
    }

    private func sendAcknowledgement() async {
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
        guard let deviceId else { return }  // not enrolled yet: the catalog request enrols
        let ack = Acknowledgement(
            hostId: host, deviceId: deviceId, userId: configuration.userId,
            catalogVersion: catalog.snapshot.catalogVersion, eventSequence: sequence,
            installed: installed.prefix(1_000).map {
                Acknowledgement.InstalledPackage(appId: $0.appId, version: $0.version, sha256: $0.sha256)
            }, purged: sent, sentAt: now)
        // Signed by the device key: the server counts nothing a host-key or token holder could make up.
        let body = SignedEnvelope.sign(
            payload: ack.wireJSON, payloadType: Acknowledgement.payloadType, with: [deviceKey]
        )
        .wireJSON
        do {
            let reply = try await sendAsDevice { token in
                HTTPRequest(
                    method: "POST", url: configuration.server + CatalogAPI.acknowledge.path(["hostId": host]),
                    headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: body)
            }
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
