import CatalogServer
import NIOCore
import Testing

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
