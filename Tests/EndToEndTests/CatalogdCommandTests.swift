import Catalog
import Foundation
import MiniSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `catalogd`, end to end: the built binary on loopback.
struct CatalogdCommandTests {
    @Test("serve creates its data folder and key, answers /healthz, and stops cleanly on SIGTERM")
    func serve() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.url.appendingPathComponent("data")
        let token = try await PlatformCommandTests.token(data, "ops-1", "ops")
        let (process, address, text) = try await PlatformCommandTests.serve(data)
        defer { if process.isRunning { process.terminate() } }
        #expect(address.hasPrefix("http://127.0.0.1:"))
        let (body, _) = try await URLSession.shared.data(from: URL(string: "\(address)/healthz")!)
        #expect(String(decoding: body, as: UTF8.self).contains("\"status\":\"ok\""))
        // An open event stream must not keep the server from stopping.
        var request = URLRequest(url: URL(string: "\(address)/v1/hosts")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = Data(#"{"id": "mbank", "name": "Mobile banking"}"#.utf8)
        let (created, _) = try await URLSession.shared.data(for: request)
        let hostKey = try JSONCursor(try JSONValue.parse(created)).require("hostKey").string()
        let device = try await Enrolment.token(base: URL(string: address)!, host: "mbank", hostKey: hostKey)
        let stream = Process()
        stream.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        stream.arguments = [
            "-sN", "--max-time", "20", "-H", "Authorization: Bearer \(device)", "\(address)/v1/hosts/mbank/events",
        ]
        stream.standardOutput = FileHandle.nullDevice
        try stream.run()
        defer { if stream.isRunning { stream.terminate() } }
        try await Task.sleep(for: .milliseconds(500))
        process.terminate()
        await CommandRunner.exit(process)
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("catalog.sqlite").path))
        let shown = try await CommandRunner.run("catalogd", ["key", "show", "--data", data.path])
        #expect(shown.status == 0)
        #expect(
            text.contains(shown.stdout.split(separator: "\n")[1].split(separator: " ").last.map(String.init) ?? "?"))
    }

    @Test("serve logs each request with its method, path, status and duration")
    func accessLog() async throws {
        let folder = try TemporaryDirectory()
        let log = folder.url.appendingPathComponent("stderr.log")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        let (process, address, _) = try await PlatformCommandTests.serve(
            folder.url.appendingPathComponent("data"), ["--log-level", "info"],
            stderr: try FileHandle(forWritingTo: log))
        defer { if process.isRunning { process.terminate() } }
        var request = URLRequest(url: URL(string: "\(address)/v1/hosts")!)
        request.httpMethod = "POST"
        _ = try await URLSession.shared.data(for: request)
        _ = try await URLSession.shared.data(from: URL(string: "\(address)/healthz")!)
        process.terminate()
        await CommandRunner.exit(process)
        let logged = try String(contentsOf: log, encoding: .utf8)
        #expect(logged.contains("method=POST"), "\(logged)")
        #expect(logged.contains("path=/v1/hosts"))
        #expect(logged.contains("status=401"))
        #expect(!logged.contains("path=/healthz"), "successful reads are debug")
        let bad = try await CommandRunner.run("catalogd", ["serve", "--data", "/tmp/x", "--log-level", "loud"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--log-level: one of trace"))
    }

    @Test("key show without a key, a bad --listen, proxy address or enrolment rate: clear messages")
    func errors() async throws {
        let missing = try await CommandRunner.run("catalogd", ["key", "show", "--data", "/no/such/folder"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no signing key in '/no/such/folder'"))
        let badListen = try await CommandRunner.run("catalogd", ["serve", "--data", "/tmp/x", "--listen", "nowhere"])
        #expect(badListen.status != 0)
        #expect(badListen.stderr.contains("expected HOST:PORT"))
        for (option, value, expected) in [
            ("--trusted-proxy", "nginx.internal", "is not an IP address"),
            ("--enrol-host-rate", "fast", "BURST/PER_SECOND"),
            ("--enrol-address-rate", "10/0", "BURST/PER_SECOND"),
        ] {
            let refused = try await CommandRunner.run("catalogd", ["serve", "--data", "/tmp/x", option, value])
            #expect(refused.status != 0, "\(option) \(value)")
            #expect(refused.stderr.contains(expected), "\(option) \(value): \(refused.stderr)")
        }
    }

    @Test("serve with a bad seed says what is wrong and leaves the data folder untouched (no key, no database)")
    func badSeed() async throws {
        let folder = try TemporaryDirectory()
        let seed = try folder.write(
            "seed.json",
            #"{"hosts": [{"id": "mbank", "name": "Mobile banking"}], "apps": [{"id": "com.x.y", "partner": "xy", "name": "X", "category": "c", "source": "nowhere"}]}"#
        )
        let data = folder.url.appendingPathComponent("data")
        let result = try await CommandRunner.run("catalogd", ["serve", "--data", data.path, "--seed", seed])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot load the seed: \(seed): $.apps[0].source: cannot read the mini-program"))
        #expect(!FileManager.default.fileExists(atPath: data.path), "the data folder was created")
    }

    @Test("account create prints a token once; a duplicate id exits 1; a bad role is a usage error")
    func accountCreate() async throws {
        let folder = try TemporaryDirectory()
        let created = try await CommandRunner.run(
            "catalogd",
            ["account", "create", "--data", folder.url.path, "--id", "ops-1", "--name", "Wang Ops", "--role", "ops"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("token:   mct_"))
        let again = try await CommandRunner.run(
            "catalogd",
            ["account", "create", "--data", folder.url.path, "--id", "ops-1", "--name", "X", "--role", "ops"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("cannot create account 'ops-1'"))
        let badRole = try await CommandRunner.run(
            "catalogd", ["account", "create", "--data", folder.url.path, "--id", "x1", "--name", "X", "--role", "boss"])
        #expect(badRole.status != 0 && badRole.stderr.contains("unknown role 'boss'"))
    }
}
