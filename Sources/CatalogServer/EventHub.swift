import Foundation
import ServiceLifecycle

/// Wakes the open event streams of a host when its catalog changes, and every stream on each heartbeat.
/// A service of the application: on graceful shutdown it ends every stream, so the server can stop.
public actor EventHub: Service {
    private var subscribers: [String: [UUID: AsyncStream<Void>.Continuation]] = [:]
    private let heartbeat: Duration
    private var closed = false

    public init(heartbeat: Duration = .seconds(10)) { self.heartbeat = heartbeat }

    /// A stream of wake-ups for one host's event stream.
    func subscribe(_ hostId: String) -> (UUID, AsyncStream<Void>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
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

    /// A host's catalog changed: wake its streams.
    public func publish(_ hostId: String) {
        for continuation in subscribers[hostId, default: [:]].values { continuation.yield() }
    }

    private func tick() {
        for host in subscribers.values { for continuation in host.values { continuation.yield() } }
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
