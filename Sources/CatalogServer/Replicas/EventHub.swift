import Foundation
import NIOCore
import ServiceLifecycle

/// Wakes the open event streams of a host when its catalog changes, and every stream on each heartbeat.
/// A service of the application: on graceful shutdown it ends every stream, so the server can stop.
///
/// It also keeps each host's recent events signed and rendered, so a change reaches a thousand open streams
/// with one signature and no database read per stream.
public actor EventHub: Service {
    /// Why a stream wakes: a frame published (which a stream that sent the one before can send as it is), or a
    /// heartbeat or a catch-up (the stream reads what it has not sent).
    enum Wake: Sendable {
        case frame(EventFrame)
        case check
    }

    private var subscribers: [String: [UUID: AsyncStream<Wake>.Continuation]] = [:]
    /// Recent signed frames per host, by sequence, and the newest sequence published.
    private var recent: [String: [UInt64: EventFrame]] = [:]
    private var latest: [String: UInt64] = [:]
    static let recentLimit: UInt64 = 256
    private let heartbeat: Duration
    private var closed = false

    public init(heartbeat: Duration = .seconds(10)) { self.heartbeat = heartbeat }

    /// A stream of wake-ups for one host's event stream.
    func subscribe(_ hostId: String) -> (UUID, AsyncStream<Wake>) {
        let id = UUID()
        // Only the newest wake-up is kept: a stream that missed one notices the gap and reads what it missed.
        let (stream, continuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(1))
        if closed {
            continuation.finish()
        } else {
            subscribers[hostId, default: [:]][id] = continuation
        }
        return (id, stream)
    }

    func unsubscribe(_ hostId: String, _ id: UUID) {
        subscribers[hostId]?.removeValue(forKey: id)?.finish()
    }

    /// The number of open streams, for status and tests.
    public func openStreams(_ hostId: String? = nil) -> Int {
        hostId.map { subscribers[$0]?.count ?? 0 } ?? subscribers.values.reduce(0) { $0 + $1.count }
    }

    /// A host's catalog changed: keep its signed event and wake its streams.
    public func publish(_ hostId: String, _ frame: EventFrame) {
        // Heard twice (this replica's own commit, then its notification): the streams have it already.
        if recent[hostId]?[frame.sequence] != nil { return }
        // In place: a local copy of the host's frames would copy the whole dictionary on every change.
        recent[hostId, default: [:]][frame.sequence] = frame
        let newest = max(latest[hostId] ?? 0, frame.sequence)
        latest[hostId] = newest
        if let count = recent[hostId]?.count, count > Int(Self.recentLimit) {
            if newest >= Self.recentLimit { recent[hostId]?.removeValue(forKey: newest - Self.recentLimit) }
            // Sequences with gaps (or out of order) can leave older frames behind: sweep them now and then.
            if count > Int(Self.recentLimit) + 32 {
                recent[hostId] = recent[hostId]?.filter { newest - $0.key < Self.recentLimit }
            }
        }
        for continuation in subscribers[hostId, default: [:]].values { continuation.yield(.frame(frame)) }
    }

    /// The frames after `sequence` up to the newest published, when all of them are in memory; nil when the
    /// stream must read the store (a gap, an old position, or nothing published since start).
    public func frames(_ hostId: String, after sequence: UInt64) -> [EventFrame]? {
        guard let newest = latest[hostId], let frames = recent[hostId] else { return nil }
        guard sequence < newest else { return sequence == newest ? [] : nil }
        guard newest - sequence <= Self.recentLimit else { return nil }
        var result: [EventFrame] = []
        for next in (sequence + 1)...newest {
            guard let frame = frames[next] else { return nil }
            result.append(frame)
        }
        return result
    }

    /// The hosts with open streams here, with the newest sequence published for each (nil: none since start).
    func followedHosts() -> [(hostId: String, newest: UInt64?)] {
        subscribers.filter { !$0.value.isEmpty }.keys.map { ($0, latest[$0]) }
    }

    /// Wakes a host's streams: each reads what it has not sent yet.
    func wake(_ hostId: String) {
        for continuation in subscribers[hostId, default: [:]].values { continuation.yield(.check) }
    }

    private func tick() {
        for hostId in subscribers.keys { wake(hostId) }
    }

    private func closeAll() {
        closed = true
        for host in subscribers.values { for continuation in host.values { continuation.finish() } }
        subscribers = [:]
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: self.heartbeat)
                await self.tick()
            }
        }
        closeAll()
    }
}
