import Catalog
import CatalogTestSupport
import Foundation
import MiniSupport
import Testing

/// Users the host vouches for, with the real programs: the car head unit lists its gray car-insurance build
/// to staff only, and a shell that merely claims a staff e-mail does not get it.
struct VouchedUserTests {
    @Test(
        "termshell --headless: a claimed staff e-mail gets nothing; one the host's backend vouches for gets the build")
    func claimedPropertyIgnored() async throws {
        let folder = try TemporaryDirectory()
        let platform = try await TermshellHeadlessTests.platform(folder, host: "carunit")
        defer { platform.stop() }
        let common = [
            "--headless", "--once", "--server", platform.url, "--host", "carunit", "--user", "random-9",
            "--host-key", platform.hostKey, "--server-key", platform.publicKey,
        ]
        // The host's backend vouches for the user and nothing else; the shell claims a staff e-mail on top.
        let key = try KeyFiles.readSigningKey(at: URL(fileURLWithPath: platform.userKey))
        let now = Date()
        let file = folder.url.appendingPathComponent("assertion.json")
        try UserAssertion(hostId: "carunit", userId: "random-9", issuedAt: now, expiresAt: now.addingTimeInterval(600))
            .signed(with: key).wireJSON.write(to: file)
        let claimed = try await CommandRunner.run(
            "termshell",
            common + [
                "--user-assertion", file.path, "--property", "email=x@bank.example", "--data",
                folder.url.appendingPathComponent("claimed").path,
            ])
        #expect(claimed.status == 0, "\(claimed.stderr)")
        let claimedEvents = TermshellHeadlessTests.lines(claimed.stdout)
        #expect(claimedEvents.first { $0.text("event") == "synced" }?.text("entries") == "0", "\(claimed.stdout)")
        #expect(!claimed.stdout.contains("com.carins.quote"))

        // Signing as the host's backend, the same e-mail is vouched for: the staff build is installed.
        let vouched = try await CommandRunner.run(
            "termshell",
            common + [
                "--user-key", platform.userKey, "--property", "email=x@bank.example", "--data",
                folder.url.appendingPathComponent("vouched").path,
            ])
        #expect(vouched.status == 0, "\(vouched.stderr)")
        #expect(
            TermshellHeadlessTests.lines(vouched.stdout).contains {
                $0.text("event") == "installed" && $0.text("app") == "com.carins.quote"
            }, "\(vouched.stdout)")

        // Without any assertion the shell cannot start; a key that is not the host's gets a 401 and exit 1.
        let usage = try await CommandRunner.run(
            "termshell", common + ["--data", folder.url.appendingPathComponent("none").path])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--user-assertion"), "\(usage.stderr)")
        let stranger = folder.url.appendingPathComponent("stranger")
        try KeyFiles.write(.generate(), to: stranger)
        let refused = try await CommandRunner.run(
            "termshell",
            common + [
                "--user-key", stranger.appendingPathComponent(KeyFiles.privateKeyFileName).path, "--data",
                folder.url.appendingPathComponent("refused").path,
            ])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("user assertion refused"), "\(refused.stdout)")
    }

    @Test("minictl host user-trust: ops replace a host's user keys and client properties; bad input never leaves")
    func userTrustCommand() async throws {
        let folder = try TemporaryDirectory()
        let platform = try await TermshellHeadlessTests.platform(folder, host: "carunit")
        defer { platform.stop() }
        let key = SigningKey.generate().verificationKey.base64
        let options = ["--server", platform.url, "--token", platform.opsToken]
        let set = try await CommandRunner.run(
            "minictl", ["host", "user-trust", "carunit", "--user-key", key, "--client-property", "email"] + options)
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains("client properties email"), "\(set.stdout)")
        let shown = try await CommandRunner.run("minictl", ["host", "list", "--json"] + options)
        #expect(shown.stdout.contains(key), "\(shown.stdout)")
        let bad = try await CommandRunner.run(
            "minictl", ["host", "user-trust", "carunit", "--user-key", "not-a-key"] + options)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--user-key"), "\(bad.stderr)")
        // The seeded key is no longer listed: the shell's assertions signed with it are refused.
        let refused = try await CommandRunner.run(
            "termshell",
            [
                "--headless", "--once", "--server", platform.url, "--host", "carunit", "--user", "random-9",
                "--user-key", platform.userKey, "--host-key", platform.hostKey, "--server-key", platform.publicKey,
                "--data", folder.url.appendingPathComponent("shell").path,
            ])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("invalid-user-assertion") || refused.stdout.contains("user assertion refused"))
    }
}
