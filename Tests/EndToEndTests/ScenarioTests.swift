import Foundation
import Testing

/// QA's scenario scripts (scenarios/*.scenario), played by `termshell --script` against a seeded catalogd.
struct ScenarioTests {
    static let folder = PlatformCommandTests.samples.deletingLastPathComponent().appendingPathComponent("scenarios")

    /// What a scenario asks of the harness, from a `# harness: host=kiosk lifetime=12` line.
    struct Harness {
        var host = "mbank"
        var catalogLifetime: Int?

        init(_ text: String) throws {
            for line in text.split(separator: "\n") where line.hasPrefix("# harness:") {
                for setting in line.dropFirst("# harness:".count).split(separator: " ") {
                    let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
                    switch (parts.first, parts.count) {
                    case ("host", 2): host = parts[1]
                    case ("lifetime", 2): catalogLifetime = Int(parts[1])
                    default: throw HarnessError(setting: String(setting))
                    }
                }
            }
        }

        var serverArguments: [String] { catalogLifetime.map { ["--catalog-lifetime", "\($0)"] } ?? [] }
    }

    struct HarnessError: Error, CustomStringConvertible {
        var setting: String
        var description: String { "unknown harness setting '\(setting)' (host=ID, lifetime=SECONDS)" }
    }

    /// Commands that stop and start the platform's catalogd (same address, same data), for `run` steps.
    struct ServerControl {
        var stop: String
        var start: String
        var pidFile: URL

        init(_ platform: TermshellHeadlessTests.Platform, harness: Harness, in directory: TemporaryDirectory) throws {
            let port = URL(string: platform.url)?.port ?? 0
            pidFile = directory.url.appendingPathComponent("catalogd.pid")
            try "\(platform.server.processIdentifier)\n".write(to: pidFile, atomically: true, encoding: .utf8)
            let catalogd = CommandRunner.productsDirectory.appendingPathComponent("catalogd").path
            let log = directory.url.appendingPathComponent("catalogd-restarted.log").path
            let answers = "(exec 3<>/dev/tcp/127.0.0.1/\(port)) 2>/dev/null"
            stop = try directory.write(
                "stop-catalogd",
                """
                #!/bin/bash
                kill -TERM "$(cat '\(pidFile.path)')" 2>/dev/null
                for _ in $(seq 1 100); do
                  \(answers) || { echo "catalogd stopped"; exit 0; }
                  sleep 0.1
                done
                echo "catalogd still answers on port \(port)" >&2
                exit 1

                """)
            start = try directory.write(
                "start-catalogd",
                """
                #!/bin/bash
                setsid '\(catalogd)' serve --data '\(platform.data.path)' --listen 127.0.0.1:\(port) \
                \(harness.serverArguments.joined(separator: " ")) >>'\(log)' 2>&1 </dev/null &
                echo $! >'\(pidFile.path)'
                for _ in $(seq 1 100); do
                  \(answers) && { echo "catalogd is back on port \(port)"; exit 0; }
                  sleep 0.1
                done
                echo "catalogd did not come back on port \(port):" >&2
                cat '\(log)' >&2
                exit 1

                """)
            for script in [stop, start] {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
            }
        }

        /// Stops a catalogd that a `start` step left running.
        func stopRestarted(original: Process) {
            guard let text = try? String(contentsOf: pidFile, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid != original.processIdentifier
            else { return }
            kill(pid, SIGTERM)
        }
    }

    /// Plays a scenario with termshell; against `platform`'s catalogd, or the offline demo without one.
    static func play(
        _ file: URL, _ platform: TermshellHeadlessTests.Platform?, data: URL, host: String = "mbank",
        environment: [String: String] = [:]
    ) async throws -> CommandRunner.Result {
        let bank = folder.deletingLastPathComponent().appendingPathComponent("seeds/bank.json")
        var arguments = [
            "--script", file.path, "--size", "100x30", "--lang", "en", "--bank", bank.path, "--data", data.path,
        ]
        var variables = [
            "PATH": CommandRunner.productsDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")
        ]
        if let platform {
            arguments += [
                "--server", platform.url, "--host", host, "--host-key", platform.hostKey, "--user-key",
                platform.userKey, "--server-key",
                platform.publicKey,
            ]
            variables["MINICTL_SERVER"] = platform.url
            variables["MINICTL_TOKEN"] = platform.opsToken
            variables["MINICTL_TOKEN_METRO"] = platform.metroToken
        }
        return try await CommandRunner.run("termshell", arguments, environment: variables.merging(environment) { $1 })
    }

    @Test(
        "every scenario passes",
        arguments: try! FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".scenario")
        }
        .sorted())
    func scenario(_ name: String) async throws {
        let file = Self.folder.appendingPathComponent(name)
        let harness = try Harness(try String(contentsOf: file, encoding: .utf8))
        let directory = try TemporaryDirectory()
        let platform = try await TermshellHeadlessTests.platform(
            directory, host: harness.host, extra: harness.serverArguments)
        let control = try ServerControl(platform, harness: harness, in: directory)
        defer {
            control.stopRestarted(original: platform.server)
            platform.stop()
        }
        let result = try await Self.play(
            file, platform, data: directory.url.appendingPathComponent("shell"), host: harness.host,
            environment: ["CATALOGD_STOP": control.stop, "CATALOGD_START": control.start])
        #expect(result.status == 0, "\(name):\n\(result.stderr)\n\(result.stdout)")
        #expect(result.stdout.contains("passed:"))
    }

    @Test("a failing step exits 1 with its line and the screen; a malformed scenario names its line")
    func failures() async throws {
        let directory = try TemporaryDirectory()
        let failing = try directory.write(
            "failing.scenario",
            "wait Choose a demo customer\nkey enter\n# the home screen has no such text\nexpect Lottery\n")
        let failed = try await Self.play(
            URL(fileURLWithPath: failing), nil, data: directory.url.appendingPathComponent("a"))
        #expect(failed.status == 1)
        #expect(
            failed.stderr.contains("line 4 (expect Lottery): the screen does not show 'Lottery'"), "\(failed.stderr)")
        #expect(failed.stdout.contains("FAILED at line 4"))
        #expect(failed.stdout.contains("Current account"), "the transcript shows the screen")
        let malformed = try directory.write("bad.scenario", "key enter\nkey warp\n")
        let refused = try await Self.play(
            URL(fileURLWithPath: malformed), nil, data: directory.url.appendingPathComponent("b"))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad.scenario:2: unknown key 'warp'"), "\(refused.stderr)")
    }

    @Test("a run step that fails or leaves a server behind: the step fails with its status, or passes and returns")
    func runSteps() async throws {
        let directory = try TemporaryDirectory()
        let failing = try directory.write(
            "run.scenario",
            """
            wait Choose a demo customer
            run echo started; (sleep 30 </dev/null >/dev/null 2>&1 &); echo left a sleeper behind
            run echo about to fail; exit 3
            """)
        let result = try await Self.play(
            URL(fileURLWithPath: failing), nil, data: directory.url.appendingPathComponent("a"))
        #expect(result.status == 1)
        #expect(result.stdout.contains("left a sleeper behind"), "\(result.stdout)")
        #expect(result.stdout.contains("about to fail"))
        #expect(
            result.stderr.contains("line 3 (run echo about to fail; exit 3): the command exited 3"), "\(result.stderr)")
    }
}
