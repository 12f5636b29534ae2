import Catalog
import CatalogAPI
import Foundation
import MiniSupport

/// Following the server's key rotations: an envelope signed by a key the shell does not pin sends it to the
/// rotation statements, and a chain from a pinned key that verifies (each statement signed by the key it
/// retires and the key it names) moves the pin.
extension SyncAgent {
    /// Fetches the rotation statements and follows them from the pinned keys; true when the pin moved. One fetch
    /// at a time, shared by every envelope waiting on it (a catalog and an event signed by the new key at once).
    func followRotations() async -> Bool {
        if let running = rotationCheck { return await running.value }
        let now = clock.now()
        guard now.timeIntervalSince(lastRotationCheck) >= 60 else { return false }
        lastRotationCheck = now
        let task = Task { await self.fetchAndFollowRotations(at: now) }
        rotationCheck = task
        let moved = await task.value
        rotationCheck = nil
        return moved
    }

    private func fetchAndFollowRotations(at now: Date) async -> Bool {
        let reply: HTTPReply
        do {
            reply = try await transport.send(
                HTTPRequest(
                    url: configuration.server + CatalogAPI.keyRotations.path([:]), headers: [],
                    maximumResponseSize: 1 << 20))
        } catch {
            note("keys", "cannot fetch the key rotations: \(error)")
            return false
        }
        guard reply.status == 200, let statements = try? KeyRotationChain.statements(json: reply.body) else {
            note("keys", "the key rotations were answered \(reply.status)")
            return false
        }
        let outcome = KeyRotationChain.follow(
            from: trustedKeys, alreadyRetired: (try? store.retiredKeys()) ?? [], statements: statements, clock: clock)
        for (sequence, code) in outcome.refused {
            refuse("key-rotation", code, "rotation statement \(sequence) does not verify; the pinned key stays")
        }
        guard !outcome.retired.isEmpty, !outcome.keys.isEmpty else { return false }
        do {
            try store.rotate(retiring: outcome.retired, pinning: outcome.keys, at: now)
        } catch {
            note("keys", "cannot keep the rotated key: \(error)")
            return false
        }
        let from = trustedKeys.map(\.keyID.rawValue)
        trustedKeys = outcome.keys
        awaitedKeys.removeAll { outcome.keys.contains($0) }
        emit(.keyRotated(from: from, to: outcome.keys.map(\.keyID.rawValue), rotations: outcome.retired.count))
        return true
    }
}
