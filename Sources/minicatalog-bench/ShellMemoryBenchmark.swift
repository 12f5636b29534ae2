import Foundation
import ServerTestSupport

/// termshell's resident memory with 50 installed mini-programs: the real binary plays a scenario (sign in,
/// the service centre, the QA panel) against catalogd on loopback with 50 more services released.
enum ShellMemoryBenchmark {
    static func run() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("termshell")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            print("\ntermshell memory: skipped (build termshell in the same configuration first)")
            return
        }
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            for index in 0..<50 {
                let id = "com.bench.memory\(index)"
                let package = try MiniKitBenchmarks.syntheticPackage(pages: 3, id: id).pack()
                try await LaunchBenchmark.publish(package, server, app: id)
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("memory-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let scenario = folder.appendingPathComponent("memory.scenario")
            try Data(
                """
                key enter
                wait Current account
                key enter
                wait Bench within 60s
                key f2
                wait Installed packages (52) within 60s
                """.utf8
            ).write(to: scenario)
            let process = Process()
            process.executableURL = binary
            process.arguments = [
                "--script", scenario.path, "--size", "120x40", "--lang", "en", "--bank", "seeds/bank.json", "--server",
                server.base.absoluteString, "--host", "mbank", "--host-key", server.hostKey("mbank")!, "--server-key",
                server.publicKey.base64, "--data", folder.appendingPathComponent("shell").path,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            // The largest resident set of any child so far: this is the only child the benchmark starts.
            var usage = rusage()
            getrusage(RUSAGE_CHILDREN.rawValue, &usage)
            let megabytes = Double(usage.ru_maxrss) / 1024
            let installed = try FileManager.default.contentsOfDirectory(
                atPath: folder.appendingPathComponent("shell/packages").path
            ).filter { !$0.hasPrefix(".") }.count
            print(
                "\ntermshell memory: the real binary, signed in, \(installed) installed mini-programs, service centre and QA panel"
            )
            print(
                String(
                    format: "  peak resident memory: %.1f MB (scenario exit %d) — goal ≤ 30 MB: %@", megabytes,
                    process.terminationStatus, megabytes <= 30 ? "met" : "NOT met"))
        }
    }
}
