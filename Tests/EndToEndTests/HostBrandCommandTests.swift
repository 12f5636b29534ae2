import Foundation
import Testing

/// `minictl host brand`: checked before it is sent, then set on the server and answered with the host.
struct HostBrandCommandTests {
    @Test("minictl host brand sets a host's look; a bad accent is a usage error that names the option")
    func brand() async throws {
        let directory = try TemporaryDirectory()
        let platform = try await TermshellHeadlessTests.platform(directory)
        defer { platform.stop() }
        let environment = ["MINICTL_SERVER": platform.url, "MINICTL_TOKEN": platform.opsToken]
        let set = try await CommandRunner.run(
            "minictl",
            [
                "host", "brand", "kiosk", "--title", "Metro Pay", "--title-zh", "地铁支付", "--accent", "green",
                "--services", "City services",
            ], environment: environment)
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains(#"kiosk: brand "Metro Pay", green, "City services""#))
        let listed = try await CommandRunner.run("minictl", ["host", "list", "--json"], environment: environment)
        #expect(listed.stdout.contains("Metro Pay") && listed.stdout.contains("地铁支付"), "\(listed.stdout)")
        let refused = try await CommandRunner.run(
            "minictl", ["host", "brand", "kiosk", "--title", "X", "--accent", "pink", "--services", "S"],
            environment: environment)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--accent"), "\(refused.stderr)")
    }
}
