import CatalogAPI
import Foundation
import MiniSupport

/// Sending the reports outbox — customers' complaints, the containers' bridge activity — as the device.
extension SyncAgent {
    /// Sends one batch from the outbox; what is not delivered waits for the next acknowledgement (or the next
    /// complaint). Each item keeps its id, so a batch whose answer was lost is counted once.
    public func sendReports() async {
        let host = configuration.hostId
        guard deviceId != nil, let batch = try? store.takeReports(host: host) else { return }
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
        try? store.finishReports(host: host, delivered: delivered)
        if delivered { emit(.reported(complaints: batch.complaints.count, activity: batch.activity.count)) }
    }
}
