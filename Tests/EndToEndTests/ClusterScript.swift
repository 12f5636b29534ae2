import CatalogTestSupport
import Foundation
import ServerTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `scripts/cluster.sh` driven by a test: a throwaway PostgreSQL, N catalogd replicas (the programs under test)
/// and nginx in a temporary folder, stopped and removed by ``down()``.
final class ClusterScript: Sendable {
    let folder: URL
    let balancer: String
    let replicas: [String]
    let serverKey: String
    /// What the seed printed through replica 1: tokens and host keys.
    let seedOutput: String

    static let script = PlatformCommandTests.samples.deletingLastPathComponent().appendingPathComponent(
        "scripts/cluster.sh")

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts the cluster; `catalogdArguments` go to every replica's `catalogd serve`.
    static func up(replicas: Int, catalogdArguments: String = "", nginxWorkers: Int = 2) async throws -> ClusterScript {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-\(UUID().uuidString)")
        try await offload {
            try run([
                "up", "--dir", folder.path, "--replicas", "\(replicas)", "--bin", CommandRunner.productsDirectory.path,
                "--seed", CrashRecoveryTests.seeds.path, "--port", "0", "--nginx-workers", "\(nginxWorkers)",
                "--catalogd-args", catalogdArguments,
            ])
        }
        do {
            let environment = try String(contentsOf: folder.appendingPathComponent("cluster.env"), encoding: .utf8)
            var values: [String: String] = [:]
            for line in environment.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { values[parts[0]] = parts[1] }
            }
            return ClusterScript(
                folder: folder, balancer: values["BALANCER"] ?? "",
                replicas: (1...replicas).map { values["REPLICA_\($0)"] ?? "" }, serverKey: values["SERVER_KEY"] ?? "",
                seedOutput: try String(
                    contentsOf: folder.appendingPathComponent("replica-1/out.txt"), encoding: .utf8))
        } catch {
            try? run(["down", "--dir", folder.path])
            throw error
        }
    }

    private init(folder: URL, balancer: String, replicas: [String], serverKey: String, seedOutput: String) {
        self.folder = folder
        self.balancer = balancer
        self.replicas = replicas
        self.serverKey = serverKey
        self.seedOutput = seedOutput
    }

    /// Stops everything and removes the folder.
    func down() { try? Self.run(["down", "--dir", folder.path]) }

    /// Kills replica `number` (1-based) with SIGKILL, as a crash would.
    func kill(replica number: Int) throws { try Self.run(["kill-replica", "\(number)", "--dir", folder.path]) }

    /// The last word of the seed's line that contains `prefix` (a token or a host key).
    func value(after prefix: String) -> String {
        SeedOutput.value(after: prefix, in: seedOutput)
    }

    /// Replica `number`'s log so far.
    func log(replica number: Int) -> String {
        (try? String(contentsOf: folder.appendingPathComponent("replica-\(number)/log.txt"), encoding: .utf8)) ?? ""
    }

    var userKeyFile: URL { folder.appendingPathComponent("replica-1/user-keys/mbank.key") }

    /// Runs the script through `/bin/sh` and waits for it alone (not `Process`: the daemons it starts keep
    /// descriptors that `Process` would wait on).
    private static func run(_ arguments: [String]) throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cluster-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let line =
            (["/bin/bash", script.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            .joined(separator: " ") + " </dev/null >'\(output.path)' 2>&1"
        let status = system(line)
        guard status == 0 else {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            throw Failure(description: "cluster.sh \(arguments.first ?? "") failed (\(status)): \(text.suffix(1_500))")
        }
    }
}
