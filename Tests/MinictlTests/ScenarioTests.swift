import Foundation
import Testing

/// QA's scenario scripts (scenarios/*.scenario), played by `termshell --script` against a seeded catalogd.
struct ScenarioTests {
    static let folder = PlatformCommandTests.samples.deletingLastPathComponent().appendingPathComponent("scenarios")

    static func play(_ file: URL, _ platform: TermshellHeadlessTests.Platform, data: URL) throws -> CommandRunner.Result
    {
        let bank = folder.deletingLastPathComponent().appendingPathComponent("seeds/bank.json")
        return try CommandRunner.run(
            "termshell",
            [
                "--script", file.path, "--size", "100x30", "--lang", "en", "--bank", bank.path, "--server",
                platform.url,
                "--host", "mbank", "--host-key", platform.hostKey, "--server-key", platform.publicKey, "--data",
                data.path,
            ],
            environment: [
                "MINICTL_SERVER": platform.url, "MINICTL_TOKEN": platform.opsToken,
                "PATH": CommandRunner.productsDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "")
                ,
            ])
    }

    @Test(
        "every scenario passes",
        arguments: try! FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".scenario")
        }
        .sorted())
    func scenario(_ name: String) throws {
        let directory = try TemporaryDirectory()
        let platform = try TermshellHeadlessTests.platform(directory)
        defer {
            platform.server.terminate()
            platform.server.waitUntilExit()
        }
        let result = try Self.play(
            Self.folder.appendingPathComponent(name), platform, data: directory.url.appendingPathComponent("shell"))
        #expect(result.status == 0, "\(name):\n\(result.stderr)\n\(result.stdout)")
        #expect(result.stdout.contains("passed:"))
    }

    @Test("a failing step exits 1 with its line and the screen; a malformed scenario names its line")
    func failures() throws {
        let directory = try TemporaryDirectory()
        let platform = try TermshellHeadlessTests.platform(directory)
        defer {
            platform.server.terminate()
            platform.server.waitUntilExit()
        }
        let failing = try directory.write(
            "failing.scenario",
            "wait Choose a demo customer\nkey enter\n# the home screen has no such text\nexpect Lottery\n")
        let failed = try Self.play(
            URL(fileURLWithPath: failing), platform, data: directory.url.appendingPathComponent("a"))
        #expect(failed.status == 1)
        #expect(
            failed.stderr.contains("line 4 (expect Lottery): the screen does not show 'Lottery'"), "\(failed.stderr)")
        #expect(failed.stdout.contains("FAILED at line 4"))
        #expect(failed.stdout.contains("Current account"), "the transcript shows the screen")
        let malformed = try directory.write("bad.scenario", "key enter\nkey warp\n")
        let refused = try Self.play(
            URL(fileURLWithPath: malformed), platform, data: directory.url.appendingPathComponent("b"))
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad.scenario:2: unknown key 'warp'"), "\(refused.stderr)")
    }
}
