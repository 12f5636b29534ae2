import NIOCore
import Testing

@testable import CatalogServer

/// The hub's memory of signed frames: served only when it holds every frame a stream is missing.
struct EventHubTests {
    static func frame(_ sequence: UInt64) -> EventFrame {
        EventFrame(sequence: sequence, bytes: ByteBuffer(string: "id: \(sequence)\n\n"))
    }

    @Test("contiguous frames come from memory; gaps, unknown hosts and old positions go to the store")
    func frames() async {
        let hub = EventHub()
        #expect(await hub.frames("mbank", after: 0) == nil, "nothing published since start: read the store")
        await hub.publish("mbank", Self.frame(5))
        await hub.publish("mbank", Self.frame(7))
        #expect(await hub.frames("mbank", after: 7)?.count == 0, "up to date")
        #expect(await hub.frames("mbank", after: 5) == nil, "6 is missing: read the store")
        await hub.publish("mbank", Self.frame(6))
        #expect(await hub.frames("mbank", after: 5)?.map(\.sequence) == [6, 7])
        #expect(await hub.frames("mbank", after: 4)?.map(\.sequence) == [5, 6, 7])
        #expect(await hub.frames("mbank", after: 3) == nil, "older than memory")
        #expect(await hub.frames("mbank", after: 9) == nil, "ahead of what was published")
        #expect(await hub.frames("kiosk", after: 0) == nil)
    }

    @Test("memory keeps the newest frames only")
    func bounded() async {
        let hub = EventHub()
        for sequence in UInt64(1)...600 { await hub.publish("mbank", Self.frame(sequence)) }
        #expect(await hub.frames("mbank", after: 344)?.count == 256)
        #expect(await hub.frames("mbank", after: 300) == nil)
    }
}

/// A frame heard twice (this replica's own commit, then its notification) wakes the streams once.
struct EventHubDuplicateTests {
    @Test("publishing a frame the hub holds wakes nobody")
    func duplicate() async throws {
        let hub = EventHub()
        let (id, wakeups) = await hub.subscribe("mbank")
        await hub.publish("mbank", EventHubTests.frame(1))
        var iterator = wakeups.makeAsyncIterator()
        #expect(await iterator.next() != nil)
        await hub.publish("mbank", EventHubTests.frame(2))
        #expect(await iterator.next() != nil)
        #expect(await hub.followedHosts().map(\.hostId) == ["mbank"])
        #expect(await hub.followedHosts().first?.newest == 2)
        await hub.publish("mbank", EventHubTests.frame(1))
        await hub.wake("kiosk")
        // Ending the stream delivers a wake-up still buffered before the end: there must be none.
        await hub.unsubscribe("mbank", id)
        #expect(await iterator.next() == nil, "the repeated frame woke the stream")
        #expect(await hub.frames("mbank", after: 0)?.map(\.sequence) == [1, 2])
    }
}
