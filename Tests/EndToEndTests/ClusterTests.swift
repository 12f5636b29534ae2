import Catalog
import CatalogCurl
import CatalogTestSupport
import Foundation
import MiniSupport
import ShellAgent
import Synchronization
import Testing

/// catalogd as three replicas on PostgreSQL behind nginx (`scripts/cluster.sh`), with the real programs.
@Suite(.serialized)
struct ClusterTests {
    /// A `termshell --headless` that keeps running, its JSON lines in a file.
    struct Shell {
        let process: Process
        let output: URL
        let data: URL

        var printed: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

        /// Waits until the shell has printed `text` (at most `seconds`).
        func wait(for text: String, seconds: Int = 60) async throws -> Bool {
            for _ in 0..<(seconds * 10) {
                if printed.contains(text) { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return printed.contains(text)
        }

        /// The digest of the package it installed for `app`, from its `installed` line.
        func installedPackage(_ app: String) -> String? {
            TermshellHeadlessTests.lines(printed).first { line in
                (try? line.require("event").string()) == "installed" && (try? line.require("app").string()) == app
            }.flatMap { try? $0.require("sha256").string() }
        }

        /// True while the package is on its disk.
        func holds(_ sha256: String) -> Bool {
            FileManager.default.fileExists(atPath: data.appendingPathComponent("packages/\(sha256)").path)
        }
    }

    static func shell(_ cluster: ClusterScript, user: String, in folder: URL) throws -> Shell {
        let output = folder.appendingPathComponent("\(user).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let data = folder.appendingPathComponent(user)
        let process = Process()
        process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("termshell")
        process.arguments = [
            "--headless", "--server", cluster.balancer, "--host", "mbank", "--user", user, "--host-key",
            cluster.value(after: "host key mbank:"), "--user-key", cluster.userKeyFile.path, "--server-key",
            cluster.serverKey, "--data", data.path,
        ]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        return Shell(process: process, output: output, data: data)
    }

    @Test(
        "three replicas behind nginx: shells' streams sit on every replica, and a delisting made through replica 1 purges the package on every shell's disk"
    )
    func delistingReachesEveryReplica() async throws {
        let cluster = try await ClusterScript.up(replicas: 3, catalogdArguments: "--log-level debug")
        defer { cluster.down() }
        let folder = try TemporaryDirectory()
        var shells: [Shell] = []
        defer { for shell in shells { stopInBackground(shell.process) } }
        // One at a time: with least_conn, each new stream goes to the replica holding the fewest.
        for index in 1...6 {
            let shell = try Self.shell(cluster, user: "u-\(index)", in: folder.url)
            shells.append(shell)
            #expect(try await shell.wait(for: "\"event\":\"connected\""), "u-\(index): \(shell.printed)")
        }
        var installed: [String] = []
        for shell in shells {
            let sha256 = try #require(shell.installedPackage("com.carins.quote"), "\(shell.printed)")
            #expect(shell.holds(sha256))
            installed.append(sha256)
        }
        for replica in 1...3 {
            #expect(
                cluster.log(replica: replica).contains("/v1/hosts/mbank/events"),
                "no shell's event stream sits on replica \(replica)")
        }

        let delist = try await CommandRunner.run(
            "minictl",
            [
                "delist", "com.carins.quote", "--host", "mbank", "--reason", "Partner licence suspended", "--server",
                cluster.replicas[0], "--token", cluster.value(after: "account ops-wang"),
            ])
        #expect(delist.status == 0, "\(delist.stderr)")
        for (index, shell) in shells.enumerated() {
            #expect(try await shell.wait(for: "delisted-and-purged"), "u-\(index + 1): \(shell.printed)")
            #expect(!shell.holds(installed[index]), "u-\(index + 1) still holds the delisted package")
        }
        let status = try await CommandRunner.run(
            "minictl",
            [
                "status", "com.carins.quote", "--server", cluster.balancer, "--token",
                cluster.value(after: "account ops-wang"),
            ])
        #expect(status.status == 0, "\(status.stderr)")
    }

    /// What a fleet of in-process shells went through, counted from their events.
    final class FleetCounts: Sendable {
        private let counts = Mutex<[String: Set<Int>]>([:])

        func note(_ what: String, _ shell: Int) { counts.withLock { _ = $0[what, default: []].insert(shell) } }
        func count(_ what: String) -> Int { counts.withLock { $0[what]?.count ?? 0 } }
        func shells(_ what: String) -> Set<Int> { counts.withLock { $0[what] ?? [] } }
    }

    @Test(
        "kill -9 a replica holding a third of 1,000 streams and delist during the outage: every shell reconnects through the balancer and applies it, 1,000 of 1,000"
    )
    func replicaKilledUnderLoad() async throws {
        let fleet = 1_000
        let cluster = try await ClusterScript.up(
            replicas: 3,
            catalogdArguments: "--log-level debug --enrol-host-rate 5000/1000 --enrol-address-rate 5000/1000")
        defer { cluster.down() }
        let folder = try TemporaryDirectory()
        let app = "com.carins.quote"
        let userKey = try KeyFiles.readSigningKey(at: cluster.userKeyFile)
        let serverKey = try VerificationKey(base64: cluster.serverKey)
        // The shell's agent as `termshell --headless` runs it, a thousand times in this process over one libcurl
        // transport (a thousand processes would not fit this machine).
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let counts = FleetCounts()
        var tasks: [Task<Void, Never>] = []
        defer { for task in tasks { task.cancel() } }
        for index in 0..<fleet {
            let agent = try SyncAgent(
                configuration: AgentConfiguration(
                    server: cluster.balancer, hostId: "mbank", hostKey: cluster.value(after: "host key mbank:"),
                    userId: "fleet-\(index)", userAssertion: .signer(userKey), trustedKeys: [serverKey],
                    reconnectDelay: (.milliseconds(200), .seconds(2))),
                transport: transport, store: try ShellStore(directory: folder.url.appendingPathComponent("\(index)")),
                purged: { if $0 == app { counts.note("purged", index) } })
            tasks.append(
                Task {
                    for await event in agent.events {
                        switch event {
                        case .connected: counts.note("connected", index)
                        case .disconnected: counts.note("disconnected", index)
                        case .installed(let id, _, _, _) where id == app: counts.note("installed", index)
                        default: break
                        }
                    }
                })
            tasks.append(Task { await agent.run() })
        }
        func waitUntil(_ what: String, _ expected: Int, seconds: Int) async throws {
            for _ in 0..<(seconds * 10) where counts.count(what) < expected {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        try await waitUntil("connected", fleet, seconds: 600)
        try await waitUntil("installed", fleet, seconds: 60)
        #expect(counts.count("connected") == fleet)
        #expect(counts.count("installed") == fleet)
        let streams = (1...3).map {
            cluster.log(replica: $0).components(separatedBy: "/v1/hosts/mbank/events").count - 1
        }
        #expect(streams.allSatisfy { $0 > 0 }, "streams per replica: \(streams)")

        // A write replica 2 acknowledged just before it dies is not lost.
        let ops = cluster.value(after: "account ops-wang")
        let segment = try await CommandRunner.run(
            "minictl",
            [
                "segment", "create", "before-the-crash", "--constraint",
                #"{"contextName":"region","operator":"IN","values":["east"]}"#, "--server", cluster.replicas[1],
                "--token", ops,
            ])
        #expect(segment.status == 0, "\(segment.stderr)")
        try cluster.kill(replica: 2)
        let delist = try await CommandRunner.run(
            "minictl",
            [
                "delist", app, "--host", "mbank", "--reason", "Partner licence suspended", "--server",
                cluster.replicas[0],
                "--token", ops,
            ])
        #expect(delist.status == 0, "\(delist.stderr)")
        try await waitUntil("purged", fleet, seconds: 300)
        #expect(counts.count("purged") == fleet, "\(counts.count("purged")) of \(fleet) shells applied the delisting")
        #expect(counts.count("disconnected") > 0, "no shell's stream was on the killed replica")
        #expect(counts.shells("disconnected").isSubset(of: counts.shells("purged")))
        let segments = try await CommandRunner.run(
            "minictl", ["segment", "list", "--server", cluster.balancer, "--token", ops])
        #expect(segments.stdout.contains("before-the-crash"), "\(segments.stdout)")
    }
}
