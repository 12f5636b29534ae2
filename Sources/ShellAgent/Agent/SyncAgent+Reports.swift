import CatalogAPI
import Foundation
import MiniSupport

/// Sending the reports outbox — customers' complaints, the containers' bridge activity — as the device.
extension SyncAgent {
    /// Sends one batch from the outbox; what is not delivered waits for the next acknowledgement (or the next
    /// complaint). Each item keeps its id, so a batch whose answer was lost is counted once.
    public func sendReports() async {
        let host = configuration.hostId
        guard deviceId != nil else { return }  // not enrolled yet: the catalog request enrols
        let batch: DeviceReports
        do {
            guard let taken = try store.takeReports(host: host) else { return }  // nothing waits
            batch = taken
        } catch {
            note("reports", "cannot read the outbox: \(error)")
            return
        }
        var delivered = false
        do {
            let body = Data(batch.jsonValue.serialized().utf8)
            let reply = try await sendAsDevice { token in
                HTTPRequest(
                    method: "POST", url: configuration.server + CatalogAPI.reports.path(["hostId": host]),
                    headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: body)
            }
            delivered = reply.status == 200
            if !delivered { note("reports", "the reports were answered \(reply.status): \(Self.detail(reply.body))") }
        } catch {
            note("reports", "cannot send the reports: \(error)")
        }
        // Not delivered: its rows stay in flight and go again, with the same ids, in the next batch.
        guard delivered else { return }
        do {
            try store.settleReports(batch, host: host)
        } catch {
            note("reports", "cannot clear the delivered reports (they go again, counted once): \(error)")
        }
        emit(.reported(complaints: batch.complaints.count, activity: batch.activity.count))
    }
}
