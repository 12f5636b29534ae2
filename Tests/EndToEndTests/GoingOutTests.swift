import Foundation
import MiniSupport
import Testing

/// Going out, end to end with the built binaries and the demo seed: Metro Pay's shell receives only what Metro
/// accepted; the bank delists everywhere and Metro's shell purges it; Metro may not relist it, and sees the
/// acknowledgement of its own shell, and only its own host.
struct GoingOutTests {
    @Test("the external host's shell, the bank's delisting everywhere, and what Metro's operations may do and see")
    func goingOut() async throws {
        let folder = try TemporaryDirectory()
        let platform = try await TermshellHeadlessTests.platform(folder, host: "metropay")
        defer { platform.stop() }
        let shell = folder.url.appendingPathComponent("shell").path
        func sync() async throws -> [JSONCursor] {
            let result = try await CommandRunner.run(
                "termshell",
                [
                    "--headless", "--once", "--server", platform.url, "--host", "metropay", "--user", "rider-1",
                    "--user-key", platform.userKey, "--data", shell, "--server-key", platform.publicKey,
                ], environment: ["TERMSHELL_HOST_KEY": platform.hostKey])
            #expect(result.status == 0, "\(result.stderr)")
            return TermshellHeadlessTests.lines(result.stdout)
        }
        let first = try await sync()
        let installed = Set(first.filter { $0.text("event") == "installed" }.map { $0.text("app") })
        #expect(installed == ["com.eastsec.open-account", "com.bank.branch-queue"], "only what Metro accepted")

        func minictl(_ arguments: [String], token: String) async throws -> (
            status: Int32, stdout: String, stderr: String
        ) {
            let result = try await CommandRunner.run(
                "minictl", arguments, environment: ["MINICTL_SERVER": platform.url, "MINICTL_TOKEN": token])
            return (result.status, result.stdout, result.stderr)
        }
        let offers = try await minictl(["offers", "list"], token: platform.metroToken)
        #expect(offers.status == 0, "\(offers.stderr)")
        #expect(offers.stdout.contains("declined"), "\(offers.stdout)")
        #expect(offers.stdout.contains("Investment products are outside"), "\(offers.stdout)")
        let hosts = try await minictl(["host", "list"], token: platform.metroToken)
        #expect(hosts.stdout.split(separator: "\n").count == 1 && hosts.stdout.hasPrefix("metropay"), "\(hosts.stdout)")
        #expect(hosts.stdout.contains("[metro]"))

        // The bank delists the branch queue everywhere: Metro's shell purges it at its next sync.
        let delist = try await minictl(
            ["delist", "com.bank.branch-queue", "--host", "all", "--reason", "Queue system retired"],
            token: platform.opsToken)
        #expect(delist.status == 0, "\(delist.stderr)")
        #expect(delist.stdout.contains("on metropay: delisted"), "\(delist.stdout)")
        let second = try await sync()
        #expect(
            second.contains { $0.text("event") == "delisted-and-purged" && $0.text("app") == "com.bank.branch-queue" })
        #expect(second.last?.text("event") == "acknowledged")

        // Metro may not bring back what the bank took down; it sees its own shell's confirmation.
        let relist = try await minictl(
            ["relist", "com.bank.branch-queue", "--host", "metropay"], token: platform.metroToken)
        #expect(relist.status == 1)
        #expect(relist.stderr.contains("the bank delisted"), "\(relist.stderr)")
        let status = try await minictl(["status", "com.bank.branch-queue"], token: platform.metroToken)
        #expect(status.status == 0, "\(status.stderr)")
        let rows = status.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 1 && rows.first?.hasPrefix("metropay") == true, "only its own host: \(status.stdout)")
        #expect(status.stdout.contains("1/1 active devices confirmed"), "\(status.stdout)")

        // Metro delists on its own host, with a reason, and may relist what it delisted.
        let own = try await minictl(
            ["delist", "com.eastsec.open-account", "--host", "metropay", "--reason", "Riders reported a scam page"],
            token: platform.metroToken)
        #expect(own.status == 0, "\(own.stderr)")
        let audit = try await minictl(["audit"], token: platform.metroToken)
        #expect(audit.stdout.contains("listing.delist") && audit.stdout.contains("hostops-metro"), "\(audit.stdout)")
        #expect(!audit.stdout.contains("@mbank"), "no entry about the bank's own hosts: \(audit.stdout)")
    }
}
