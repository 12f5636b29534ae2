import Catalog
import Foundation
import MiniKit

/// Recalls: close, delete, notice, acknowledge.
extension SyncAgent {
    /// Closes, deletes and records a delisted mini-program; does nothing when that was done already.
    func purge(_ tombstone: Tombstone, event: CatalogEvent? = nil) async {
        let host = configuration.hostId
        let title = currentCatalog()?.snapshot.entries.first { $0.appId == tombstone.appId }?.name ?? tombstone.appId
        let hashes: [String]?
        do {
            hashes = try store.recall(
                tombstone, host: host, name: title, at: clock.now(),
                lastEvent: event.map { ($0.sequence, $0.issuedAt) },
                log: "\(tombstone.appId) delisted (\(tombstone.reason)): closed, code and data deleted")
        } catch {
            note("store", "cannot record the recall of \(tombstone.appId): \(error)")
            return
        }
        guard let hashes else { return }  // nothing of it was on this shell
        await recall(tombstone.appId, tombstone.reason)
        await packages.removeSuspending(hashes)
        purged(tombstone.appId)
        emit(.purged(appId: tombstone.appId, reason: tombstone.reason, sequence: tombstone.sequence))
    }
}
