import Catalog
import CatalogCurl
import CatalogServer
import Foundation
import ServerTestSupport
import ShellAgent
import Synchronization

/// The recall benchmark: N complete shells (each a `SyncAgent` with its own data folder and SQLite store,
/// all in this process over one libcurl transport) follow a real catalogd on loopback; a mini-program they
/// all have installed is delisted; measured from the delist response to each shell's purge being done on
/// disk (signed event verified, recall recorded, code and data deleted).
enum RecallBenchmark {
    static let app = "com.carins.quote"

    static func run(counts: [Int]) async throws {
        print("\nrecall: N shells in one process (2 cores shared with catalogd), delist \(app) on mbank")
        for count in counts {
            try await TestServer.run(seed: TestServer.demoSeed) { server in
                try await measure(count, server)
            }
        }
    }

    /// One shell's timeline, from its events.
    actor Timeline {
        var connected = 0
        var installed = 0
        func connect() { connected += 1 }
        func install() { installed += 1 }
    }

    /// Moments noted from any thread, the instant they happen.
    final class Moments: Sendable {
        private let moments = Mutex<[UInt64]>([])
        func add(_ moment: UInt64) { moments.withLock { $0.append(moment) } }
        var count: Int { moments.withLock { $0.count } }
        var values: [UInt64] { moments.withLock { $0 } }
    }

    /// CPU time this process used so far (user + system), in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func measure(_ count: Int, _ server: TestServer) async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("recall-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let timeline = Timeline()
        let purges = Moments()
        var tasks: [Task<Void, Never>] = []
        let started = ContinuousClock.now
        for index in 0..<count {
            let agent = try SyncAgent(
                configuration: AgentConfiguration(
                    server: server.base.absoluteString, hostId: "mbank", hostKey: server.hostKey("mbank")!,
                    userId: "bench-\(index)",
                    userAssertion: .signer(server.userKey("mbank")!), trustedKeys: [server.publicKey],
                    reconnectDelay: (.milliseconds(200), .seconds(2))),
                transport: transport, store: try ShellStore(directory: root.appendingPathComponent("\(index)")),
                purged: { id in if id == app { purges.add(DispatchTime.now().uptimeNanoseconds) } })
            tasks.append(
                Task {
                    for await event in agent.events {
                        switch event {
                        case .connected: await timeline.connect()
                        case .installed(let id, _, _, _) where id == app: await timeline.install()
                        default: break
                        }
                    }
                })
            tasks.append(Task { await agent.run() })
        }
        defer { for task in tasks { task.cancel() } }
        // Every shell synced, installed the app and opened its event stream.
        while true {
            let connected = await timeline.connected
            let installed = await timeline.installed
            let open = await server.hub.openStreams("mbank")
            if connected >= count && installed >= count && open >= count { break }
            guard ContinuousClock.now - started < .seconds(300) else {
                print("  N=\(count): only \(await timeline.connected) shells connected in 300 s")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let warmUp = ContinuousClock.now - started
        try await Task.sleep(for: .milliseconds(300))  // let the start-up acknowledgements settle

        let cpuBefore = Self.cpuSeconds()
        let sent = DispatchTime.now().uptimeNanoseconds
        let reply = try await transport.send(
            HTTPRequest(
                method: "POST", url: "\(server.base)/v1/apps/\(app)/delist",
                headers: [
                    ("Authorization", "Bearer \(server.token("ops-wang")!)"), ("Content-Type", "application/json"),
                ], body: Data(#"{"host": "mbank", "reason": "recall benchmark"}"#.utf8)))
        let answered = DispatchTime.now().uptimeNanoseconds
        guard reply.status == 200 else {
            print("  N=\(count): the delist failed with \(reply.status)")
            return
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while purges.count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        let purged = purges.values
        let cpuDuring = Self.cpuSeconds() - cpuBefore
        let wall = Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e9
        // Operations' view: every shell's acknowledgement of the delisting has reached the server.
        let delisting = try await server.store.hostState("mbank").eventSequence
        var confirmed = 0
        while ContinuousClock.now < deadline {
            confirmed = try await server.store.acknowledgements(hostId: "mbank").values.filter {
                $0.ack.eventSequence >= delisting || $0.ack.purged.contains(app)
            }.count
            if confirmed >= count { break }
            try await Task.sleep(for: .milliseconds(100))  // each look decodes every acknowledgement
        }
        let allConfirmed = Double(DispatchTime.now().uptimeNanoseconds - answered) / 1e6
        let fromResponse = purged.map { Double($0 > answered ? $0 - answered : 0) / 1e6 }.sorted()
        let fromRequest = purged.map { Double($0 - min($0, sent)) / 1e6 }.sorted()
        let percentile = Measure.percentile
        let goal: String
        switch count {
        case 1_000:
            goal = percentile(fromResponse, 0.99) <= 100 ? " — goal p99 ≤ 100 ms: met" : " — goal p99 ≤ 100 ms: NOT met"
        case 10_000:
            goal = percentile(fromResponse, 0.99) <= 1_000 ? " — goal p99 ≤ 1 s: met" : " — goal p99 ≤ 1 s: NOT met"
        default: goal = ""
        }
        print(
            String(
                format: "  N=%d: purged %d/%d; from the delist response p50 %.1f ms, p99 %.1f ms, max %.1f ms%@",
                count, purged.count, count, percentile(fromResponse, 0.5), percentile(fromResponse, 0.99),
                fromResponse.last ?? .nan, goal))
        print(
            String(
                format: "         CPU while purging: %.2f s in %.2f s (%.2f ms of CPU per shell)", cpuDuring, wall,
                cpuDuring * 1000 / Double(count)))
        print(
            String(
                format:
                    "         from the request p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d/%d acknowledgements at the server %.0f ms after the response; start-up of all shells %.1f s",
                percentile(fromRequest, 0.5), percentile(fromRequest, 0.99), fromRequest.last ?? .nan, confirmed, count,
                allConfirmed, Double(warmUp.components.seconds) + Double(warmUp.components.attoseconds) / 1e18))
    }
}
