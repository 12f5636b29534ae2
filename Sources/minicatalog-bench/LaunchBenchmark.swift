import Catalog
import CatalogCurl
import Foundation
import MiniKit
import ServerTestSupport
import ShellAgent

/// Launch times of a ~200 KB mini-program through a real shell agent and catalogd on loopback: cold (not on
/// the device: download, verify, install, then the launch gate, load and first render) and cached (opened
/// before in this session: the gate re-reads and re-hashes the package, the loaded program is reused).
enum LaunchBenchmark {
    static let app = "com.bench.app"

    static func run() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let package = try MiniKitBenchmarks.syntheticPackage(pages: 75).pack()
            try await publish(package, server)
            let transport = CurlTransport()
            defer { transport.shutdown() }
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("launch-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let store = try ShellStore(directory: root)
            let agent = try SyncAgent(
                configuration: AgentConfiguration(
                    server: server.base.absoluteString, hostId: "mbank", hostKey: server.hostKey("mbank")!,
                    userId: "u-launch",
                    userAssertion: .signer(server.userKey("mbank")!), trustedKeys: [server.publicKey]),
                transport: transport, store: store)
            guard await agent.sync() else {
                print("  launch: the catalog did not sync")
                return
            }
            let runner = Task { await agent.run() }  // ready for launches (the first sync is done)
            defer { runner.cancel() }
            while case .failure(.notSynced) = await agent.launch(app) { try await Task.sleep(for: .milliseconds(5)) }
            let packages = try PackageCache(dataDirectory: root)
            print(
                "\nlaunch: a \(package.count / 1024) KB mini-program (75 pages) through the agent and catalogd on loopback"
            )

            let cold = try await Measure.latencyAsync(iterations: 20) {
                // Not on the device: remove it, then the whole path a first tap takes.
                let sha = PackageCache.digest(package)
                try store.removeInstalled(sha256: sha)
                packages.remove(sha)
                let installed = await agent.installNow(app)
                precondition(installed)
                let ticket = try await agent.launch(app).get()
                try render(ProgramLoader().program(for: ticket).get())
            }
            Measure.reportLatency("cold: download + verify + install + gate + load + first render", cold, goal: 50)
            let loader = ProgramLoader()
            let first = try await agent.launch(app).get()
            _ = try loader.program(for: first).get()
            let cached = try await Measure.latencyAsync(iterations: 200) {
                let ticket = try await agent.launch(app).get()
                try render(loader.program(for: ticket).get())
            }
            Measure.reportLatency("cached: gate (tombstone, expiry, re-hash) + first render", cached, goal: 5)
        }
    }

    static func render(_ program: MiniKit.MiniProgram) throws {
        var runtime = MiniProgramRuntime(
            program: program,
            policy: SandboxPolicy(grantedScopes: [], grantedDomains: [], openId: "bench"),
            storage: InMemoryStorage(), width: 120, height: 40)
        _ = runtime.start()
        _ = runtime.screen()
    }

    /// Creates, uploads, reviews and releases a benchmark mini-program through the API.
    static func publish(_ package: Data, _ server: TestServer, app: String = app) async throws {
        let transport = CurlTransport()
        defer { transport.shutdown() }
        func call(_ method: String, _ path: String, _ token: String, json: String? = nil, zip: Data? = nil) async throws
        {
            var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(token)")]
            headers.append(("Content-Type", zip == nil ? "application/json" : "application/zip"))
            let reply = try await transport.send(
                HTTPRequest(
                    method: method, url: "\(server.base)/\(path)", headers: headers,
                    body: zip ?? Data((json ?? "{}").utf8),
                    timeout: .seconds(30)))
            guard (200..<300).contains(reply.status) else {
                throw SwarmError("\(method) \(path): \(reply.status) \(String(decoding: reply.body, as: UTF8.self))")
            }
        }
        let admin = server.token("admin")!
        try await call(
            "POST", "v1/apps", admin,
            json: #"{"id": "\#(app)", "partnerId": "bank", "name": "Bench", "category": "finance"}"#)
        try await call("POST", "v1/apps/\(app)/versions", admin, zip: package)
        try await call("POST", "v1/apps/\(app)/versions/1.0.0/submit", admin)
        try await call("POST", "v1/apps/\(app)/versions/1.0.0/approve", server.token("rev-chen")!)
        try await call("POST", "v1/apps/\(app)/versions/1.0.0/approve", server.token("rev-zhao")!)
        try await call(
            "POST", "v1/apps/\(app)/release", server.token("ops-wang")!, json: #"{"host": "mbank", "version": "1.0.0"}"#
        )
    }
}
