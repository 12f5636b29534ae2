import Catalog
import CatalogCurl
import CatalogServer
import Foundation
import ServerTestSupport
import ShellAgent
import Synchronization

/// Diagnostic: the agents' own share of a recall — the event is pushed into each agent's stream in memory
/// (no server fan-out, no TCP, no libcurl on the event path).
enum RecallLocal {
    final class Streams: Sendable {
        let continuations = Mutex<[AsyncThrowingStream<Data, any Error>.Continuation]>([])
    }

    struct LocalStreams: CatalogTransport {
        let base: any CatalogTransport
        let streams: Streams
        func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPReply { try await base.send(request) }
        func stream(_ request: HTTPRequest) -> AsyncThrowingStream<Data, any Error> {
            let (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self, throwing: (any Error).self)
            streams.continuations.withLock { $0.append(continuation) }
            return stream
        }
    }

    static func run(count: Int) async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let transport = CurlTransport()
            let streams = Streams()
            let local = LocalStreams(base: transport, streams: streams)
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("local-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let purges = RecallBenchmark.Moments()
            var tasks: [Task<Void, Never>] = []
            for index in 0..<count {
                let agent = try SyncAgent(
                    configuration: AgentConfiguration(
                        server: server.base.absoluteString, hostId: "mbank", hostKey: server.hostKey("mbank")!,
                        userId: "local-\(index)",
                        userAssertion: .signer(server.userKey("mbank")!), trustedKeys: [server.publicKey]),
                    transport: local, store: try ShellStore(directory: root.appendingPathComponent("\(index)")),
                    purged: { _ in purges.add(DispatchTime.now().uptimeNanoseconds) })
                tasks.append(Task { await agent.run() })
                tasks.append(Task { for await _ in agent.events {} })
            }
            defer { for task in tasks { task.cancel() } }
            while streams.continuations.withLock({ $0.count }) < count {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .seconds(1))
            let state = try await server.store.hostState("mbank")
            let event = CatalogEvent(
                hostId: "mbank", sequence: state.eventSequence + 1, catalogVersion: state.catalogVersion + 1,
                issuedAt: Date(), expiresAt: Date().addingTimeInterval(3600), kind: .delisted,
                appId: "com.carins.quote", version: nil, reason: "local")
            let json = String(
                decoding: try WireFormat.encoder().encode(
                    try SignedEnvelope.sign(event, with: [server.keyring.signingKey])), as: UTF8.self)
            let frame = Data("id: \(event.sequence)\nevent: catalog\ndata: \(json)\n\n".utf8)
            let cpu = RecallBenchmark.cpuSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            for continuation in streams.continuations.withLock({ $0 }) { continuation.yield(frame) }
            while purges.count < count { try await Task.sleep(for: .milliseconds(2)) }
            let values = purges.values.map { Double($0 - start) / 1e6 }.sorted()
            print(
                String(
                    format: "  local push to %d agents: p50 %.1f ms, p99 %.1f ms; CPU %.2f ms per agent", count,
                    values[count / 2], values[Int(Double(count) * 0.99) - 1],
                    (RecallBenchmark.cpuSeconds() - cpu) * 1000 / Double(count)))
            transport.shutdown()
        }
    }
}
