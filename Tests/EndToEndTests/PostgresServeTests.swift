import Catalog
import CatalogServer
import CatalogTestSupport
import Foundation
import MiniSupport
import ServerTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `catalogd serve --database postgres://…` with the real programs and a real PostgreSQL.
struct PostgresServeTests {
    @Test(
        "seeded on PostgreSQL, a headless shell syncs and confirms through one replica; a second replica on the same database sees it"
    )
    func twoReplicas() async throws {
        let address = try await offload { try PostgresTestCluster.shared().database() }
        let url = "postgres://postgres@127.0.0.1:\(address.port)/\(address.database)"
        let folder = try TemporaryDirectory()
        let first = folder.url.appendingPathComponent("first")
        let (server, base, printed) = try await PlatformCommandTests.serve(
            first, ["--database", url, "--seed", CrashRecoveryTests.seeds.path])
        defer { stopInBackground(server) }
        #expect(!FileManager.default.fileExists(atPath: first.appendingPathComponent("catalog.sqlite").path))
        func value(after prefix: String) -> String {
            SeedOutput.value(after: prefix, in: printed)
        }
        let shown = try await CommandRunner.run("catalogd", ["key", "show", "--data", first.path, "--json"])
        let publicKey = try JSONCursor(try JSONValue.parse(Data(shown.stdout.utf8))).require("publicKey").string()
        let sync = try await CommandRunner.run(
            "termshell",
            [
                "--headless", "--once", "--server", base, "--host", "mbank", "--user", "u-1", "--host-key",
                value(after: "host key mbank:"), "--user-key", first.appendingPathComponent("user-keys/mbank.key").path,
                "--server-key", publicKey, "--data", folder.url.appendingPathComponent("shell").path,
            ])
        #expect(sync.status == 0, "\(sync.stderr)\n\(sync.stdout)")
        #expect(sync.stdout.contains("\"installed\""), "\(sync.stdout)")

        // A second replica: the same database and keys, a data folder of its own (no packages: it reads them
        // from the database).
        let second = folder.url.appendingPathComponent("second")
        try FileManager.default.createDirectory(at: second, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: first.appendingPathComponent("keys"), to: second.appendingPathComponent("keys"))
        let (replica, replicaBase, _) = try await PlatformCommandTests.serve(second, ["--database", url])
        defer { stopInBackground(replica) }
        let other = try await CommandRunner.run(
            "termshell",
            [
                "--headless", "--once", "--server", replicaBase, "--host", "mbank", "--user", "u-2", "--host-key",
                value(after: "host key mbank:"), "--user-key", first.appendingPathComponent("user-keys/mbank.key").path,
                "--server-key", publicKey, "--data", folder.url.appendingPathComponent("shell-2").path,
            ])
        #expect(other.stdout.contains("\"installed\""), "a package stored through the first replica: \(other.stdout)")
        let status = try await CommandRunner.run(
            "minictl",
            ["status", "com.carins.quote", "--server", replicaBase, "--token", value(after: "account ops-wang")])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("mbank"), "\(status.stdout)")
        let devices = try await CommandRunner.run(
            "minictl", ["device", "list", "--server", replicaBase, "--token", value(after: "account ops-wang")])
        #expect(devices.stdout.contains("d-"), "the device that enrolled through the first replica: \(devices.stdout)")

        // Delisted through the first replica, the shell syncing through the second purges it: the second's
        // catalog inputs (read by this sync, before the delisting) follow the shared database, not only its own
        // commits.
        func syncThroughSecond() async throws -> CommandRunner.Result {
            try await CommandRunner.run(
                "termshell",
                [
                    "--headless", "--once", "--server", replicaBase, "--host", "mbank", "--user", "u-1", "--host-key",
                    value(after: "host key mbank:"), "--user-key",
                    first.appendingPathComponent("user-keys/mbank.key").path, "--data",
                    folder.url.appendingPathComponent("shell").path,
                ])
        }
        #expect(try await syncThroughSecond().status == 0)
        let delist = try await CommandRunner.run(
            "minictl",
            [
                "delist", "com.carins.quote", "--host", "mbank", "--reason", "Partner licence suspended", "--server",
                base, "--token", value(after: "account ops-wang"),
            ])
        #expect(delist.status == 0, "\(delist.stderr)")
        var purged = false
        for _ in 0..<20 where !purged {
            let again = try await syncThroughSecond()
            purged = again.stdout.contains("delisted-and-purged")
            if !purged { try await Task.sleep(for: .milliseconds(300)) }
        }
        #expect(purged, "the shell never learned of the delisting through the second replica")
    }

    @Test("a wrong or unreachable --database: catalogd refuses to start with exit 1, and never falls back to SQLite")
    func refusals() async throws {
        let folder = try TemporaryDirectory()
        for (database, expected) in [
            ("mysql://root@127.0.0.1/catalog", "neither sqlite:PATH nor postgres://"),
            ("postgres://127.0.0.1:5432/catalog", "names no user"),
            ("postgres://postgres@127.0.0.1:1/catalog", "cannot reach PostgreSQL"),
        ] {
            let data = folder.url.appendingPathComponent(UUID().uuidString)
            let result = try await CommandRunner.run(
                "catalogd", ["serve", "--data", data.path, "--listen", "127.0.0.1:0", "--database", database])
            #expect(result.status == 1, "\(database): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(database): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("catalog.sqlite").path))
        }
    }

    @Test(
        "all replicas sign with one key: a replica with another key refuses to start; one with its rotated successor takes over and the retired key's replica stops"
    )
    func sharedSigningKey() async throws {
        let address = try await offload { try PostgresTestCluster.shared().database() }
        let url = "postgres://postgres@127.0.0.1:\(address.port)/\(address.database)"
        let folder = try TemporaryDirectory()
        let first = folder.url.appendingPathComponent("first")
        let firstErrors = folder.url.appendingPathComponent("first.stderr")
        FileManager.default.createFile(atPath: firstErrors.path, contents: nil)
        let (server, base, _) = try await PlatformCommandTests.serve(
            first, ["--database", url], stderr: try FileHandle(forWritingTo: firstErrors))
        defer { stopInBackground(server) }
        #expect(base.hasPrefix("http://"))

        let stranger = try await CommandRunner.run(
            "catalogd",
            [
                "serve", "--data", folder.url.appendingPathComponent("stranger").path, "--listen", "127.0.0.1:0",
                "--database", url,
            ], timeout: 60)
        #expect(stranger.status == 1, "\(stranger.stderr)")
        #expect(stranger.stderr.contains("the replicas now sign with"), "\(stranger.stderr)")

        // The first replica's keys, rotated: the successor rolls the replicas forward.
        let second = folder.url.appendingPathComponent("second")
        try FileManager.default.createDirectory(at: second, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: first.appendingPathComponent("keys"), to: second.appendingPathComponent("keys"))
        let rotated = try await CommandRunner.run("catalogd", ["key", "rotate", "--data", second.path])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let (successor, successorBase, _) = try await PlatformCommandTests.serve(second, ["--database", url])
        defer { stopInBackground(successor) }
        #expect(successorBase.hasPrefix("http://"))
        for _ in 0..<300 where server.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!server.isRunning, "the replica signing with the retired key still serves")
        if !server.isRunning { #expect(server.terminationStatus != 0) }
        let said = try String(contentsOf: firstErrors, encoding: .utf8)
        #expect(said.contains("the replicas now sign with"), "\(said)")
    }

    @Test("PostgreSQL goes down under a replica: 503 database-unavailable with Retry-After, then it recovers by itself")
    func databaseLost() async throws {
        let cluster = try await offload { try PostgresTestCluster.start() }
        defer { cluster.stop() }
        let address = try await offload { try cluster.database() }
        let folder = try TemporaryDirectory()
        let data = folder.url.appendingPathComponent("server")
        let (server, base, printed) = try await PlatformCommandTests.serve(
            data,
            [
                "--database", "postgres://postgres@127.0.0.1:\(address.port)/\(address.database)", "--seed",
                CrashRecoveryTests.seeds.path,
            ])
        defer { stopInBackground(server) }
        let token = try #require(
            printed.split(separator: "\n").first { $0.contains("account ops-wang") }?.split(separator: " ").last)
        func hosts() async throws -> (Int, String?, String?) {
            var request = URLRequest(url: try #require(URL(string: base + "/v1/hosts")))
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            let (body, response) = try await URLSession.shared.data(for: request)
            let http = response as? HTTPURLResponse
            return (
                http?.statusCode ?? 0, try? JSONCursor(try JSONValue.parse(body)).require("code").string(),
                http?.value(forHTTPHeaderField: "Retry-After")
            )
        }
        #expect(try await hosts().0 == 200)
        try await offload { try cluster.stopServer() }
        let lost = try await hosts()
        #expect(lost.0 == 503, "\(lost)")
        #expect(lost.1 == "database-unavailable")
        #expect(lost.2 == "2")
        try await offload { try cluster.startServer() }
        var status = 0
        for _ in 0..<40 where status != 200 {
            status = try await hosts().0
            if status != 200 { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(status == 200, "the replica did not recover once PostgreSQL was back")
    }
}
