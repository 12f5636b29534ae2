import Catalog
import Foundation
import Logging
import ServiceLifecycle

/// Applies what other replicas commit, as the store's change feed reports it: a catalog event reaches this
/// replica's open streams (signed once, at commit, by the replica that committed it), and the caches of catalog
/// inputs, host keys, user trust and device tokens forget what changed. After a lost feed connection it reads
/// from the store what the open streams missed, so nothing is lost.
struct ReplicaFollower: Service {
    let feed: any StoreChangeFeed
    let store: any CatalogStore
    let hub: EventHub
    let cache: CatalogCache
    let signer: EventSigner
    let logger: Logger
    /// The replicas' new signing key, when it is not this replica's.
    private let superseded = AsyncStream.makeStream(of: String.self)

    init(
        feed: any StoreChangeFeed, store: any CatalogStore, hub: EventHub, cache: CatalogCache, signer: EventSigner,
        logger: Logger
    ) {
        self.feed = feed
        self.store = store
        self.hub = hub
        self.cache = cache
        self.signer = signer
        self.logger = logger
    }

    /// Follows the feed until the application stops; throws ``SigningKeySuperseded`` (which stops the
    /// application) when the replicas move to a signing key this replica does not hold.
    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await feed.follow(resync: { await resync() }, change: { await apply($0) }) }
                group.addTask {
                    for await keyId in superseded.stream {
                        throw SigningKeySuperseded(own: signer.keyring.signingKey.keyID.rawValue, current: keyId)
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// One committed change, in commit order.
    func apply(_ change: StoreChange) async {
        switch change {
        case .event(let hostId, let sequence, let seal):
            await cache.invalidate(hostId)
            if let seal, let frame = signer.frame(sequence: sequence, seal: seal) {
                await hub.publish(hostId, frame)
            } else if await hub.openStreams(hostId) > 0 {
                // Signed by another key, or too large for a notification: read it (sequences start at 1).
                await catchUp(hostId, after: sequence - 1)
            }
        case .host(let hostId):
            await cache.invalidate(hostId)
            await cache.forgetKeys(of: hostId)
            await cache.forgetUserTrust(of: hostId)
        case .device(let deviceId):
            await cache.forgetDevice(deviceId)
        case .signingKey(let keyId):
            if keyId != signer.keyring.signingKey.keyID.rawValue { superseded.continuation.yield(keyId) }
        }
    }

    /// The feed (re)connected: whatever was committed while it was away is read from the store.
    func resync() async {
        await cache.forgetEverything()
        for (hostId, newest) in await hub.followedHosts() {
            if let newest {
                await catchUp(hostId, after: newest)
            } else {
                // Nothing published here since start: the host's streams read the store themselves.
                await hub.wake(hostId)
            }
        }
    }

    /// Publishes a host's events after `sequence` from the store; on failure the streams are woken and read
    /// the store themselves (or end, and their shells come back).
    private func catchUp(_ hostId: String, after sequence: UInt64) async {
        do {
            _ = try await store.forEachEvent(hostId: hostId, after: sequence) { event in
                await hub.publish(hostId, try signer.frame(event))
            }
        } catch {
            logger.warning("cannot read the events of \(hostId) after \(sequence): \(error)")
            await hub.wake(hostId)
        }
    }
}
