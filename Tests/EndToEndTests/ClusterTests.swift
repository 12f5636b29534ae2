import CatalogTestSupport
import Foundation
import MiniSupport
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
}
