import Catalog
import CatalogAPI
import Foundation
import MiniKit
import MiniSupport

/// Fetching, verifying and applying the catalog.
extension SyncAgent {
    /// Fetches, verifies and applies the user's catalog once. False when it could not (offline, refused).
    @discardableResult
    public func sync() async -> Bool {
        // One sync at a time: two concurrent ones could verify against the same stale catalog and apply an
        // older answer after a newer one.
        if let running = syncing { return await running.value }
        let task = Task { await self.performSync() }
        syncing = task
        let result = await task.value
        syncing = nil
        return result
    }

    func performSync() async -> Bool {
        lastRefreshAttempt = clock.now()
        let stored = currentCatalog()
        let query = configuration.properties.sorted(by: { $0.key < $1.key }).map {
            (name: "p.\($0.key)", value: $0.value)
        }
        // No request without the user's assertion: the server would only refuse it. Made once, and again only
        // for the device id that enrolling (again) gave: an assertion is bound to it.
        func assertion(for device: String?) throws(UserAssertionSource.Unavailable) -> String {
            try configuration.userAssertion.headerValue(
                hostId: configuration.hostId, userId: configuration.userId, deviceId: device, now: clock.now())
        }
        var made: (device: String?, header: String)
        do {
            let device = deviceId
            made = (device, try assertion(for: device))
        } catch {
            emit(.disconnected(reason: "no user assertion: \(error.description)"))
            return false
        }
        let reply: HTTPReply
        var unavailable: String?
        do {
            reply = try await sendAsDevice { token in
                unavailable = nil
                var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(token)")]
                if let etag = stored?.etag { headers.append(("If-None-Match", etag)) }
                let device = deviceId
                if device != made.device {
                    do {
                        made = (device, try assertion(for: device))
                    } catch {
                        unavailable = String(describing: error)
                    }
                }
                headers.append((CatalogAPI.userAssertionHeader, made.header))
                return HTTPRequest(
                    url: configuration.server + CatalogAPI.catalog.path(["hostId": configuration.hostId], query: query),
                    headers: headers, maximumResponseSize: SignedEnvelope.maximumPayloadSize * 2)
            }
        } catch {
            emit(.disconnected(reason: error.description))
            return false
        }
        if let unavailable {
            emit(.disconnected(reason: "no user assertion: \(unavailable)"))
            return false
        }
        switch reply.status {
        case 304 where stored != nil:
            try? store.touchCatalog(host: configuration.hostId, user: configuration.userId, at: clock.now())
            if var current = stored {
                current.fetchedAt = clock.now()
                cachedCatalog = .some(current)
            }
            expiredReported = false
            // The same catalog, but packages may be gone since (settings cleared the download cache).
            if let current = stored { await installMissing(current.snapshot) }
            return true
        case 200:
            break
        default:
            emit(.disconnected(reason: "the catalog request was answered \(reply.status): \(Self.detail(reply.body))"))
            return false
        }
        guard
            let snapshot = await verified(
                reply.body, as: CatalogSnapshot.self, what: "catalog",
                lastVersion: stored?.snapshot.catalogVersion, lastIssuedAt: stored?.snapshot.issuedAt)
        else { return false }
        await apply(snapshot, envelope: reply.body, etag: reply.headers["etag"])
        return true
    }

    /// Reads and verifies a signed payload; refuses it (event and log) and gives nil when it does not verify.
    /// Signed by a key the shell does not pin, it is verified again if the rotation statements move the pin.
    func verified<P: SignedPayload>(
        _ data: Data, as type: P.Type, what: String, lastVersion: UInt64?, lastIssuedAt: Date?
    ) async -> P? {
        let envelope: SignedEnvelope
        do {
            envelope = try SignedEnvelope(wire: data)
        } catch {
            refuse(what, "malformed-envelope", error.description)
            return nil
        }
        var rotated = false
        while true {
            do {
                return try EnvelopeVerifier(
                    policy: VerificationPolicy(
                        trustedKeys: trustedKeys, hostId: configuration.hostId, userId: configuration.userId,
                        lastAcceptedVersion: lastVersion, lastAcceptedIssuedAt: lastIssuedAt),
                    clock: clock
                ).verify(envelope, as: type)
            } catch {
                if error.code == "unknown-key", !rotated, await followRotations() {
                    rotated = true
                    continue
                }
                var reason = error.description
                if error.code == "unknown-key", !awaitedKeys.isEmpty {
                    reason +=
                        "; the server key given at start (\(awaitedKeys.map(\.keyID.rawValue).joined(separator: ", "))) is not pinned: it is trusted only once a rotation statement from the pinned key leads to it"
                }
                refuse(what, error.code, reason)
                return nil
            }
        }
    }

    func apply(_ snapshot: CatalogSnapshot, envelope: Data, etag: String?) async {
        // Recalls first: nothing the catalog names is installed before every tombstone is carried out.
        for tombstone in snapshot.tombstones {
            await purge(tombstone)
        }
        do {
            guard try store.saveCatalog(snapshot, envelope: envelope, etag: etag, at: clock.now()) else {
                refuse("catalog", "stale", "catalog \(snapshot.catalogVersion) is older than the one applied")
                return
            }
            cachedCatalog = .some(ShellStore.StoredCatalog(snapshot: snapshot, etag: etag, fetchedAt: clock.now()))
        } catch {
            note("store", "cannot keep the catalog: \(error)")
            return
        }
        expiredReported = false
        // Ready before anyone hears of it: a shell that launches on "synced" must find the gate open.
        ready = true
        emit(
            .synced(
                catalogVersion: snapshot.catalogVersion, entries: snapshot.entries.count,
                tombstones: snapshot.tombstones.count))
        await installMissing(snapshot)
        collectGarbage()
        // A recall must not pay for compiling its statements: the first use in a connection costs more than
        // the recall itself.
        try? store.prepareForRecalls()
    }
}
