import Catalog
import CatalogTestSupport
import Foundation
import MiniSupport
import ServerTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `termshell --headless`, end to end: the built binaries, a seeded catalogd, JSON lines.
struct TermshellHeadlessTests {
    struct Platform {
        var server: Process
        var url: String
        var hostKey: String
        var opsToken: String
        /// The token of Metro's hostops account (the organisation that runs metropay).
        var metroToken: String
        var publicKey: String
        /// The server's data folder.
        var data: URL
        /// The host's user-signing key the seed wrote (the demo host backend's).
        var userKey: String

        /// Stops the server (its exit is waited for off the concurrency threads).
        func stop() { stopInBackground(server) }
    }

    /// A seeded catalogd on a free loopback port, with the named host's key.
    static func platform(_ folder: TemporaryDirectory, host: String = "mbank", extra: [String] = []) async throws
        -> Platform
    {
        let data = folder.url.appendingPathComponent("server")
        let (server, url, text) = try await PlatformCommandTests.serve(
            data, ["--seed", CrashRecoveryTests.seeds.path] + extra)
        func value(after prefix: String) async -> String {
            SeedOutput.value(after: prefix, in: text)
        }
        let key = try await CommandRunner.run("catalogd", ["key", "show", "--data", data.path, "--json"])
        let publicKey = try JSONCursor(try JSONValue.parse(Data(key.stdout.utf8))).require("publicKey").string()
        return await Platform(
            server: server, url: url, hostKey: value(after: "host key \(host):"),
            opsToken: await value(after: "account ops-wang"), metroToken: await value(after: "account hostops-metro"),
            publicKey: publicKey, data: data,
            userKey: data.appendingPathComponent("user-keys/\(host).key").path)
    }

    static func lines(_ text: String) -> [JSONCursor] {
        text.split(separator: "\n").compactMap { try? JSONValue.parse(Data($0.utf8)) }.map { JSONCursor($0) }
    }

    @Test(
        "--once syncs, installs and acknowledges, printing JSON lines; a wrong server key is refused with exit 1, none at all with exit 2"
    )
    func once() async throws {
        let folder = try TemporaryDirectory()
        let platform = try await Self.platform(folder)
        defer { platform.stop() }
        let shell = folder.url.appendingPathComponent("shell").path
        let arguments = [
            "--headless", "--once", "--server", platform.url, "--host", "mbank", "--user", "u-1", "--user-key",
            platform.userKey, "--data", shell,
        ]
        let result = try await CommandRunner.run(
            "termshell", arguments + ["--server-key", platform.publicKey],
            environment: ["TERMSHELL_HOST_KEY": platform.hostKey])
        #expect(result.status == 0, "\(result.stderr)")
        let events = Self.lines(result.stdout)
        // A first start enrols the installation as a device, then syncs as it.
        #expect(events.map { $0.text("event") }.prefix(2) == ["enrolled", "synced"])
        #expect(events.first?.text("deviceId").hasPrefix("d-") == true)
        #expect(events.contains { $0.text("event") == "installed" && $0.text("app") == "com.carins.quote" })
        #expect(events.last?.text("event") == "acknowledged")

        let stranger = try await CommandRunner.run(
            "termshell",
            [
                "--headless", "--once", "--server", platform.url, "--host", "mbank", "--user", "u-1", "--user-key",
                platform.userKey, "--data",
                folder.url.appendingPathComponent("other").path, "--host-key", platform.hostKey, "--server-key",
                "aHlsInxW+d+07y5bTRwkKt7y+UD4suh/N7J2FRdaZh8=",
            ])
        #expect(stranger.status == 1)
        let refused = Self.lines(stranger.stdout).first { $0.text("event") == "refused" }
        #expect(refused?.text("code") == "unknown-key")
        #expect(refused?.text("what") == "catalog")

        // No --server-key and nothing pinned yet: a usage error that says the fix, with the screens too.
        let script = folder.url.appendingPathComponent("empty.scenario")
        try Data("# nothing to do\n".utf8).write(to: script)
        let bank = CrashRecoveryTests.seeds.deletingLastPathComponent().appendingPathComponent("bank.json")
        for mode in [
            ["--headless", "--once", "--user", "u-1"],
            ["--script", script.path, "--size", "80x24", "--bank", bank.path],
        ] {
            let unpinned = try await CommandRunner.run(
                "termshell",
                mode + [
                    "--server", platform.url, "--host", "mbank", "--user-key", platform.userKey, "--host-key",
                    platform.hostKey, "--data", folder.url.appendingPathComponent("unpinned").path,
                ])
            #expect(unpinned.status == 2, "\(mode): \(unpinned.stderr)")
            #expect(unpinned.stderr.contains("no server key is pinned"), "\(mode): \(unpinned.stderr)")
            #expect(unpinned.stderr.contains("--server-key KEY"))
        }

        let usage = try await CommandRunner.run("termshell", ["--headless", "--server", platform.url, "--user", "u"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("--headless needs --host HOST"))
    }

    @Test("running headless: a delisting is purged and acknowledged at once; SIGTERM stops it cleanly")
    func recall() async throws {
        let folder = try TemporaryDirectory()
        let platform = try await Self.platform(folder)
        defer { platform.stop() }
        let process = Process()
        process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("termshell")
        process.arguments = [
            "--headless", "--server", platform.url, "--host", "mbank", "--user", "u-1", "--user-key", platform.userKey,
            "--data",
            folder.url.appendingPathComponent("shell").path, "--host-key", platform.hostKey, "--server-key",
            platform.publicKey,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        func read(until needle: String) async {
            let deadline = Date().addingTimeInterval(20)
            while !text.contains(needle), Date() < deadline {
                let handle = output.fileHandleForReading
                guard let chunk = try? await offload({ handle.availableData }) else { break }
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
        }
        await read(until: "\"event\":\"connected\"")
        #expect(text.contains("\"event\":\"installed\""))
        let delist = try await CommandRunner.run(
            "minictl",
            [
                "delist", "com.carins.quote", "--host", "mbank", "--reason", "Partner licence suspended", "--server",
                platform.url, "--token", platform.opsToken,
            ])
        #expect(delist.status == 0, "\(delist.stderr)")
        await read(until: "\"purged\":[\"com.carins.quote\"]")
        let events = Self.lines(text)
        let purged = events.first { $0.text("event") == "delisted-and-purged" }
        #expect(purged?.text("app") == "com.carins.quote")
        #expect(purged?.text("reason") == "Partner licence suspended")
        #expect(
            events.contains { $0.text("event") == "acknowledged" && $0.text("purged").contains("com.carins.quote") })
        let status = try await CommandRunner.run(
            "minictl", ["status", "com.carins.quote", "--server", platform.url, "--token", platform.opsToken])
        #expect(status.stdout.contains("1/1 active devices confirmed"), "\(status.stdout)")
        #expect(status.stdout.contains("UTC \"Partner licence suspended\": "), "when and why: \(status.stdout)")
        process.terminate()
        await CommandRunner.exit(process)
        #expect(process.terminationStatus == 0)
    }

    @Test(
        "a host-key holder cannot confirm a delisting for a real shell: forged acknowledgements are refused, the shell that did not purge stays pending until revoked"
    )
    func forgedConfirmations() async throws {
        let folder = try TemporaryDirectory()
        let platform = try await Self.platform(folder)
        defer { platform.stop() }
        let base = try #require(URL(string: platform.url))
        // A real shell syncs and installs, then goes quiet: it will never learn of the delisting.
        let quiet = try await CommandRunner.run(
            "termshell",
            [
                "--headless", "--once", "--server", platform.url, "--host", "mbank", "--user", "u-2", "--user-key",
                platform.userKey, "--data",
                folder.url.appendingPathComponent("quiet").path, "--host-key", platform.hostKey, "--server-key",
                platform.publicKey,
            ])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        let quietDevice = try #require(
            Self.lines(quiet.stdout).first { $0.text("event") == "enrolled" }?.text("deviceId"))
        let delist = try await CommandRunner.run(
            "minictl",
            [
                "delist", "com.carins.quote", "--host", "mbank", "--reason", "Partner licence suspended", "--server",
                platform.url, "--token", platform.opsToken,
            ])
        #expect(delist.status == 0, "\(delist.stderr)")

        // The attacker holds the host key: an acknowledgement sent with it is refused outright…
        func post(_ body: Data, headers: [String: String]) async throws -> Int {
            var request = URLRequest(url: base.appendingPathComponent("v1/hosts/mbank/acks"))
            request.httpMethod = "POST"
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            request.httpBody = body
            let (_, response) = try await URLSession.shared.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode ?? 0
        }
        let forged = Acknowledgement(
            hostId: "mbank", deviceId: quietDevice, userId: "u-2", catalogVersion: 99, eventSequence: 99,
            installed: [], purged: ["com.carins.quote"], sentAt: Date())
        let attackerKey = SigningKey.generate()
        let signedByAttacker = SignedEnvelope.sign(
            payload: forged.wireJSON, payloadType: Acknowledgement.payloadType, with: [attackerKey]
        ).wireJSON
        #expect(try await post(signedByAttacker, headers: ["X-Host-Key": platform.hostKey]) == 401)
        // …and so is one in the real shell's name from a device the attacker enrolled with its own key.
        let attacker = try await Enrolment.token(base: base, host: "mbank", hostKey: platform.hostKey)
        #expect(try await post(signedByAttacker, headers: ["Authorization": "Bearer \(attacker)"]) == 401)

        let status = try await CommandRunner.run(
            "minictl", ["status", "com.carins.quote", "--server", platform.url, "--token", platform.opsToken])
        #expect(status.stdout.contains("0/2 active devices confirmed"), "\(status.stdout)")
        #expect(status.stdout.contains(quietDevice), "the shell that still has the code is named")

        // Operations revoke the quiet shell: it no longer counts, and its next sync is refused.
        let revoke = try await CommandRunner.run(
            "minictl",
            [
                "device", "revoke", quietDevice, "--reason", "reported stolen", "--server", platform.url, "--token",
                platform.opsToken,
            ])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        let list = try await CommandRunner.run(
            "minictl", ["device", "list", "--host", "mbank", "--server", platform.url, "--token", platform.opsToken])
        #expect(list.stdout.contains("reported stolen"), "\(list.stdout)")
        let after = try await CommandRunner.run(
            "minictl", ["status", "com.carins.quote", "--server", platform.url, "--token", platform.opsToken])
        #expect(!after.stdout.contains(quietDevice), "\(after.stdout)")
        let again = try await CommandRunner.run(
            "termshell",
            [
                "--headless", "--once", "--server", platform.url, "--host", "mbank", "--user", "u-2", "--user-key",
                platform.userKey, "--data",
                folder.url.appendingPathComponent("quiet").path, "--host-key", platform.hostKey,
            ])
        #expect(again.status == 1)
        #expect(Self.lines(again.stdout).contains { $0.text("code") == "device-revoked" }, "\(again.stdout)")
    }
}

extension JSONCursor {
    /// A member as text: strings as they are, anything else as JSON, "" when absent.
    func text(_ key: String) -> String {
        guard let member = try? field(key) else { return "" }
        if case .string(let text) = member.value { return text }
        return member.value.serialized()
    }
}

/// `kill -9` of a headless shell at random moments of its first sync: the next start never has a
/// half-installed package, and it finishes the job.
struct TermshellCrashTests {
    @Test("kill -9 at any moment of the first sync leaves no half-installed package")
    func killDuringSync() async throws {
        let folder = try TemporaryDirectory()
        let platform = try await TermshellHeadlessTests.platform(folder)
        defer { platform.stop() }
        let shell = folder.url.appendingPathComponent("shell")
        let arguments = [
            "--headless", "--server", platform.url, "--host", "mbank", "--user", "u-1", "--user-key", platform.userKey,
            "--data", shell.path,
            "--host-key", platform.hostKey, "--server-key", platform.publicKey,
        ]
        for delay in [0.0, 0.005, 0.01, 0.02, 0.04, 0.08] {
            try? FileManager.default.removeItem(at: shell)
            // Spawned, timed and killed on a thread of its own: the delay is real time, not a suspension.
            try await offload {
                let process = Process()
                process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("termshell")
                process.arguments = arguments
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                Thread.sleep(forTimeInterval: delay)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            // Whatever the kill cut off, every package folder on disk is whole (its hash is its name).
            let packages = shell.appendingPathComponent("packages")
            for name in (try? FileManager.default.contentsOfDirectory(atPath: packages.path)) ?? []
            where !name.hasPrefix(".") {
                let data = try Data(contentsOf: packages.appendingPathComponent("\(name)/package.zip"))
                #expect(
                    PackageReference.digest(of: data) == name,
                    "a package folder holds exactly its hash's bytes (delay \(delay))")
            }
            let again = try await CommandRunner.run(
                "termshell", arguments.filter { $0 != "--headless" } + ["--headless", "--once"])
            #expect(again.status == 0, "the next start syncs (delay \(delay)): \(again.stderr)")
            let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: packages.path)) ?? []).filter {
                $0.hasPrefix(".")
            }
            #expect(leftovers.isEmpty, "staging folders are cleared at start: \(leftovers)")
            #expect(
                TermshellHeadlessTests.lines(again.stdout).contains { $0.text("event") == "acknowledged" }
                    || again.stdout.contains("synced"))
        }
    }
}
