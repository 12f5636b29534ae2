import Catalog
import CatalogTestSupport
import Foundation
import MiniSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Rotating catalogd's signing key with the real programs: `catalogd key rotate` twice while a shell is away,
/// and the shell, still started with the first key, follows the chain at its next sync.
struct KeyRotationEndToEndTests {
    @Test("catalogd key rotate, twice: a shell offline across both follows the chain; the old key is retired")
    func rotateTwice() async throws {
        let folder = try TemporaryDirectory()
        let platform = try await TermshellHeadlessTests.platform(folder)
        let shell = folder.url.appendingPathComponent("shell").path
        func sync(_ url: String) async throws -> CommandRunner.Result {
            try await CommandRunner.run(
                "termshell",
                [
                    "--headless", "--once", "--server", url, "--host", "mbank", "--user", "u-1", "--user-key",
                    platform.userKey, "--host-key", platform.hostKey, "--server-key", platform.publicKey, "--data",
                    shell,
                ])
        }
        let first = try await sync(platform.url)
        #expect(first.status == 0, "\(first.stderr)")

        // The operators stop catalogd and rotate twice; the shell is offline meanwhile.
        platform.server.terminate()
        await CommandRunner.exit(platform.server)
        var previous = platform.publicKey
        for sequence in 1...2 {
            let rotated = try await CommandRunner.run(
                "catalogd", ["key", "rotate", "--data", platform.data.path, "--json"])
            #expect(rotated.status == 0, "\(rotated.stderr)")
            let answer = JSONCursor(try JSONValue.parse(Data(rotated.stdout.utf8)))
            #expect(try answer.require("sequence").int() == sequence)
            #expect(try answer.require("publicKey").string() != previous)
            previous = try answer.require("publicKey").string()
        }
        let shown = try await CommandRunner.run("catalogd", ["key", "show", "--data", platform.data.path, "--json"])
        #expect(try JSONCursor(try JSONValue.parse(Data(shown.stdout.utf8))).require("publicKey").string() == previous)

        let (server, url, _) = try await PlatformCommandTests.serve(platform.data)
        defer { stopInBackground(server) }
        let rotations = try await URLSession.shared.data(from: try #require(URL(string: url + "/v1/keys/rotations")))
        #expect(try JSONCursor(try JSONValue.parse(rotations.0)).require("rotations").array().count == 2)

        // Still started with the first key (as a script would), the shell follows both statements and syncs.
        let second = try await sync(url)
        #expect(second.status == 0, "\(second.stderr)\n\(second.stdout)")
        let events = TermshellHeadlessTests.lines(second.stdout)
        let rotated = try #require(events.first { $0.text("event") == "key-rotated" }, "\(second.stdout)")
        #expect(rotated.text("rotations") == "2")
        #expect(events.contains { $0.text("event") == "synced" })
        #expect(events.last?.text("event") == "acknowledged")

        // A new installation given the first key (an old script, an old image) follows the chain as well.
        let stranger = try await CommandRunner.run(
            "termshell",
            [
                "--headless", "--once", "--server", url, "--host", "mbank", "--user", "u-1", "--user-key",
                platform.userKey, "--host-key", platform.hostKey, "--server-key", platform.publicKey, "--data",
                folder.url.appendingPathComponent("fresh").path,
            ])
        #expect(stranger.status == 0, "\(stranger.stdout)")
        #expect(stranger.stdout.contains("\"key-rotated\""))
    }
}
