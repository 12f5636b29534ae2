import Catalog
import CatalogPostgres
import CatalogTestSupport
import Foundation
import Logging
import NIOCore
import ServerTestSupport
import Synchronization
import Testing

@testable import CatalogServer

/// Two replicas on one real PostgreSQL database: what replica A commits reaches replica B's open streams and
/// caches through LISTEN/NOTIFY, and what B misses while its LISTEN connection is down it reads back.
@Suite(.serialized)
struct ReplicaFollowerTests {
    /// Replica B's follower, over a feed whose every resync and change the test can wait for.
    struct ReplicaB {
        let hub = EventHub()
        let cache = CatalogCache()
        let observed: ObservedFeed
        let task: Task<Void, any Error>

        init(store: any CatalogStore, feed: PostgresChangeFeed, keyring: ServerKeyring) {
            observed = ObservedFeed(base: feed)
            let follower = ReplicaFollower(
                feed: observed, store: store, hub: hub, cache: cache,
                signer: EventSigner(keyring: keyring, lifetime: 3600), logger: Logger(label: "test.replica"))
            task = Task { try await follower.run() }
        }
    }

    /// A feed that reports what it passed on, after the follower handled it.
    struct ObservedFeed: StoreChangeFeed {
        enum Step: Sendable, Equatable {
            case resynced
            case changed(StoreChange)
        }

        let base: PostgresChangeFeed
        let steps: AsyncStream<Step>
        let continuation: AsyncStream<Step>.Continuation

        init(base: PostgresChangeFeed) {
            self.base = base
            (steps, continuation) = AsyncStream.makeStream()
        }

        func follow(
            resync: @escaping @Sendable () async -> Void, change: @escaping @Sendable (StoreChange) async -> Void
        ) async {
            await base.follow(
                resync: {
                    await resync()
                    continuation.yield(.resynced)
                },
                change: {
                    await change($0)
                    continuation.yield(.changed($0))
                })
        }
    }

    /// A gate the feed waits at before reconnecting, so the test commits while it is away.
    final class ReconnectGate: Sendable {
        let waiting: AsyncStream<Int>
        private let waitingContinuation: AsyncStream<Int>.Continuation
        private let open = Mutex<CheckedContinuation<Void, Never>?>(nil)

        init() { (waiting, waitingContinuation) = AsyncStream.makeStream() }

        func pause(_ attempt: Int) async {
            await withCheckedContinuation { continuation in
                open.withLock { $0 = continuation }
                waitingContinuation.yield(attempt)
            }
        }

        func release() { open.withLock { $0.take()?.resume() } }
    }

    static let keyring = ServerKeyring(
        signingKey: .generate(), rotations: [], openId: try! OpenID(secret: Data(repeating: 7, count: 32)))

    /// Replica A's delisting, signed at commit as ``ListingChanges`` does.
    static func commit(_ store: any CatalogStore, _ state: ListingState, expected: Listing?) async throws -> StoredEvent
    {
        let signer = EventSigner(keyring: keyring, lifetime: 3600)
        return try await store.commit(
            ListingStoreContractTests.listing(state), event: state == .delisted ? .delisted : .published,
            version: state == .delisted ? nil : ListingStoreContractTests.version,
            reason: state == .delisted ? "Fraud" : nil, at: Date(), audit: nil, expected: expected,
            requireActiveHost: state != .delisted, seal: { try signer.seal($0) })
    }

    static func next(
        _ steps: inout AsyncStream<ObservedFeed.Step>.Iterator, until matches: (ObservedFeed.Step) -> Bool
    ) async throws {
        while let step = await steps.next() { if matches(step) { return } }
        Issue.record("the feed ended")
    }

    static func sequences(_ hub: EventHub, _ hostId: String) async -> [UInt64]? {
        await hub.frames(hostId, after: 0)?.map(\.sequence)
    }

    /// Two stores on a new database of the shared cluster (replica A's and B's), prepared through A.
    static func withTwoStores(
        _ body: (PostgresTestCluster, DatabaseLocation.PostgresAddress, PostgresCatalogStore, PostgresCatalogStore)
            async throws -> Void
    ) async throws {
        let cluster = try await offload { try PostgresTestCluster.shared() }
        let address = try await offload { try cluster.database() }
        let storeA = try await PostgresCatalogStore.connect(address)
        let storeB = try await PostgresCatalogStore.connect(address)
        defer {
            storeA.close()
            storeB.close()
        }
        try await ListingStoreContractTests.prepare(storeA)
        try await body(cluster, address, storeA, storeB)
    }

    @Test("a commit on replica A reaches B's streams signed once, and its caches forget a replaced host key")
    func crossReplica() async throws {
        try await Self.withTwoStores { _, address, storeA, storeB in
            _ = try await storeA.setHostKey(hostId: "mbank", hash: APIToken.hash("old-key"), audit: nil)
            let replica = ReplicaB(store: storeB, feed: PostgresChangeFeed(address: address), keyring: Self.keyring)
            defer { replica.task.cancel() }
            var steps = replica.observed.steps.makeAsyncIterator()
            try await Self.next(&steps) { $0 == .resynced }
            let (_, wakeups) = await replica.hub.subscribe("mbank")
            var wakes = wakeups.makeAsyncIterator()

            let published = try await Self.commit(storeA, .full, expected: nil)
            try await Self.next(&steps) { if case .changed(.event) = $0 { true } else { false } }
            #expect(await wakes.next() != nil, "B's stream of the host was woken")
            let frames = try #require(await replica.hub.frames("mbank", after: 0))
            #expect(frames.map(\.sequence) == [1])
            let sealed = try #require(published.seal)
            #expect(
                String(buffer: frames[0].bytes) == "id: 1\nevent: catalog\ndata: \(sealed.envelope)\n\n",
                "A's signature")

            // B checked the key once; A replaces it; one notification later B refuses it without asking again.
            let now = Date()
            #expect(try await replica.cache.host(forKey: "old-key", store: storeB, now: now) == "mbank")
            try await storeA.setHostKey(hostId: "mbank", hash: APIToken.hash("new-key"), audit: nil)
            try await Self.next(&steps) { $0 == .changed(.host(hostId: "mbank")) }
            #expect(try await replica.cache.host(forKey: "old-key", store: storeB, now: now) == nil)
            #expect(try await replica.cache.host(forKey: "new-key", store: storeB, now: now) == "mbank")
        }
    }

    @Test("a LISTEN connection cut while A commits: B listens again, reads what it missed, loses nothing")
    func droppedListen() async throws {
        try await Self.withTwoStores { cluster, address, storeA, storeB in
            let gate = ReconnectGate()
            let replica = ReplicaB(
                store: storeB, feed: PostgresChangeFeed(address: address, pause: { await gate.pause($0) }),
                keyring: Self.keyring)
            defer {
                gate.release()
                replica.task.cancel()
            }
            var steps = replica.observed.steps.makeAsyncIterator()
            try await Self.next(&steps) { $0 == .resynced }
            _ = await replica.hub.subscribe("mbank")
            let first = try await Self.commit(storeA, .full, expected: nil)
            try await Self.next(&steps) { if case .changed(.event) = $0 { true } else { false } }
            #expect(await Self.sequences(replica.hub, "mbank") == [first.sequence])

            // Cut B's LISTEN connection, as a restarted proxy or an idle-connection killer would.
            try await offload {
                try cluster.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'",
                    in: address.database)
            }
            var waiting = gate.waiting.makeAsyncIterator()
            #expect(await waiting.next() == 1, "the feed noticed and waits to reconnect")
            // Committed while nobody listens on B: no notification will ever tell B of these.
            let delisted = try await Self.commit(storeA, .delisted, expected: ListingStoreContractTests.listing(.full))
            let relisted = try await Self.commit(
                storeA, .full, expected: ListingStoreContractTests.listing(.delisted))
            #expect(await Self.sequences(replica.hub, "mbank") == [1])
            gate.release()
            try await Self.next(&steps) { $0 == .resynced }
            #expect(await Self.sequences(replica.hub, "mbank") == [1, delisted.sequence, relisted.sequence])
            // And it listens again: the next commit arrives as a notification.
            let last = try await Self.commit(storeA, .delisted, expected: ListingStoreContractTests.listing(.full))
            try await Self.next(&steps) {
                $0 == .changed(.event(hostId: "mbank", sequence: last.sequence, seal: last.seal))
            }
            #expect(await Self.sequences(replica.hub, "mbank") == [1, 2, 3, 4])
        }
    }
}
