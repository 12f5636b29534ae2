import Catalog
import CatalogTestSupport
import Foundation
import Testing

/// minictl against a real catalogd: a partner uploads, reviewers approve, operations release and delist.
struct PlatformCommandTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sample-apps")

    /// Starts `catalogd serve` on a free port; returns the process, its URL and the line that announced it.
    static func serve(_ data: URL, _ extra: [String] = [], stderr: FileHandle = .nullDevice) async throws -> (
        Process, String, String
    ) {
        try await offload { try serveBlocking(data, extra, stderr: stderr) }
    }

    private static func serveBlocking(_ data: URL, _ extra: [String], stderr: FileHandle) throws -> (
        Process, String, String
    ) {
        let process = Process()
        process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("catalogd")
        process.arguments = ["serve", "--data", data.path, "--listen", "127.0.0.1:0"] + extra
        let output = Pipe()
        process.standardOutput = output
        process.standardError = stderr
        try process.run()
        var received = Data()
        // Everything up to the line that says where it listens (a seed prints its tokens first).
        while !String(decoding: received, as: UTF8.self).contains("listening on") || received.last != 0x0A {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received.append(chunk)
        }
        let text = String(decoding: received, as: UTF8.self)
        let address =
            text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix("http://") }.map(String.init)
            ?? ""
        return (process, address, text)
    }

    static func token(_ data: URL, _ id: String, _ role: String) async throws -> String {
        let result = try await CommandRunner.run(
            "catalogd", ["account", "create", "--data", data.path, "--id", id, "--name", id, "--role", role])
        return String(result.stdout.split(separator: "\n").last?.split(separator: " ").last ?? "")
    }

    @Test("upload → submit → two approvals → gray release → delist → status, all through minictl")
    func workflow() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.url.appendingPathComponent("data")
        let ops = try await Self.token(data, "ops-1", "ops")
        let developer = try await Self.token(data, "dev-1", "developer:carins")
        let compliance = try await Self.token(data, "rev-c", "reviewer:compliance")
        let risk = try await Self.token(data, "rev-r", "reviewer:risk")
        let (server, url, _) = try await Self.serve(data)
        defer { stopInBackground(server) }
        func minictl(_ arguments: [String], _ token: String) async throws -> CommandRunner.Result {
            try await CommandRunner.run("minictl", arguments + ["--server", url, "--token", token])
        }
        let config = ["XDG_CONFIG_HOME": folder.url.appendingPathComponent("config").path]
        let login = try await CommandRunner.run(
            "minictl", ["login", "--server", url, "--token", ops], environment: config)
        #expect(login.status == 0, "\(login.stderr)")
        let mode =
            try FileManager.default.attributesOfItem(
                atPath: folder.url.appendingPathComponent("config/minictl/config.json").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try await CommandRunner.run("minictl", ["login", "--server", url, "--token", "mct_wrong"]).status == 1)
        await #expect(
            try minictl(["partner", "create", "carins", "--name", "CarIns"], ops).stdout.contains(
                "created partner carins"))
        let host = try await minictl(
            ["host", "create", "mbank", "--name", "Mobile banking", "--expiry-grace", "600"], ops)
        #expect(host.stdout.contains("host key (shown once): mhk_"))
        #expect(try await minictl(["host", "list"], developer).stdout.contains("mbank  Mobile banking"))
        await #expect(
            try minictl(
                [
                    "app", "create", "com.carins.quote", "--partner", "carins", "--name", "Car", "--category",
                    "insurance",
                ], developer
            )
            .status == 0)
        #expect(try await minictl(["app", "list"], developer).stdout.contains("com.carins.quote  Car  [carins]"))

        let upload = try await minictl(
            [
                "upload", "com.carins.quote", Self.samples.appendingPathComponent("car-insurance").path, "--progress",
                "always",
            ], developer)
        #expect(upload.status == 0, "\(upload.stderr)")
        #expect(upload.stderr.contains("\ruploading com.carins.quote [##############################] 100%"))
        #expect(upload.stdout.contains("uploaded com.carins.quote 2.1.0"))
        // Refusals, the checker's and the server's, carry one "error:" prefix, not two.
        let broken = folder.url.appendingPathComponent("broken.zip")
        try Data("not a package".utf8).write(to: broken)
        for target in [broken.path, folder.url.appendingPathComponent("no-such-folder").path] {
            let refused = try await minictl(["upload", "com.carins.quote", target], developer)
            #expect(refused.status == 1, "\(target): \(refused.stderr)")
            #expect(refused.stderr.contains("minictl: error: "), "\(target): \(refused.stderr)")
            #expect(!refused.stderr.contains("error: error:"), "\(target): \(refused.stderr)")
        }
        await #expect(
            try minictl(["submit", "com.carins.quote", "2.1.0"], developer).stdout.contains("waiting for compliance"))
        #expect(try await minictl(["review", "list"], compliance).stdout.contains("com.carins.quote 2.1.0"))
        await #expect(
            try minictl(["review", "approve", "com.carins.quote", "2.1.0"], risk).status == 1,
            "risk waits for compliance")
        #expect(try await minictl(["review", "approve", "com.carins.quote", "2.1.0"], compliance).status == 0)
        #expect(
            try await minictl(["review", "approve", "com.carins.quote", "2.1.0"], risk).stdout.contains("approved"))
        let shown = try await minictl(["review", "show", "com.carins.quote", "2.1.0"], developer)
        #expect(shown.stdout.contains("com.carins.quote 2.1.0: approved"), "\(shown.stdout)")
        #expect(shown.stdout.contains("compliance: approved by rev-c"))
        #expect(shown.stdout.contains("payment.request"), "the review report lists the APIs")

        let segment = try await minictl(
            [
                "segment", "create", "vip", "--constraint",
                #"{"contextName": "tier", "operator": "IN", "values": ["vip"]}"#,
            ], ops)
        #expect(segment.status == 0, "\(segment.stderr)")
        #expect(try await minictl(["segment", "list"], developer).stdout.contains("vip   tier IN [\"vip\"]"))
        await #expect(
            try minictl(["segment", "create", "bad", "--constraint", "{"], ops).stderr.contains(
                "--constraint 1 is not JSON"))
        // minictl writes the contract's bodies, so it refuses what the server would, before sending, with the path.
        let noOperator = try await minictl(
            ["segment", "create", "bad", "--constraint", #"{"contextName": "tier"}"#], ops)
        #expect(noOperator.status != 0)
        #expect(noOperator.stderr.contains("--constraint 1"), "\(noOperator.stderr)")
        #expect(noOperator.stderr.contains("operator"), "\(noOperator.stderr)")
        let badVersion = try await minictl(
            ["release", "com.carins.quote", "--host", "mbank", "--version", "2.x"], ops)
        #expect(badVersion.status != 0)
        #expect(badVersion.stderr.contains("--version: '2.x' is not a semantic version"), "\(badVersion.stderr)")
        let gray = try await minictl(
            [
                "release", "com.carins.quote", "--host", "mbank", "--version", "2.1.0", "--percent", "30",
                "--segment", "vip", "--user", "u-tester",
            ], ops)
        #expect(gray.stdout.contains("com.carins.quote on mbank: gray"), "\(gray.stderr)")
        #expect(
            try await minictl(["widen", "com.carins.quote", "--host", "mbank", "--percent", "50"], ops).status == 0)
        await #expect(
            try minictl(["widen", "com.carins.quote", "--host", "mbank", "--percent", "50"], developer).stderr.contains(
                "[forbidden]"))
        let explained = try await minictl(
            ["gray", "explain", "com.carins.quote", "--user", "u-tester", "--host", "mbank"], compliance)
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(explained.stdout.contains("strategy #1 userWithId"), "\(explained.stdout)")
        await #expect(
            try minictl(["gray", "explain", "com.carins.quote", "--user", "u-1", "--host", "kiosk"], ops).stderr
                .contains(
                    "never released on 'kiosk'"))
        let delist = try await minictl(
            ["delist", "com.carins.quote", "--host", "mbank", "--reason", "Partner licence suspended"], ops)
        #expect(delist.stdout.contains("delisted"))
        let again = try await minictl(
            ["delist", "com.carins.quote", "--host", "mbank", "--reason", "again, please"], ops)
        #expect(again.status == 1)
        #expect(again.stderr.contains("is not listed on mbank [illegal-transition]"))
        let status = try await minictl(["status", "com.carins.quote"], ops)
        #expect(
            status.stdout.contains("mbank  delisted  -       2.1.0  users u-tester; 50% of segment vip"),
            "\(status.stdout)")
        // No shell has been seen: that is said, not "0/0 … confirmed", which would read like success.
        #expect(
            status.stdout.contains("\"Partner licence suspended\": no active devices (none seen in the last hour)"),
            "\(status.stdout)")
        let json = try await minictl(["status", "com.carins.quote", "--json"], ops)
        #expect(json.stdout.contains("\"reason\":\"Partner licence suspended\""))
        let audit = try await minictl(["audit", "--limit", "3"], ops)
        #expect(audit.stdout.split(separator: "\n").first?.hasPrefix("WHEN") == true)
        #expect(audit.stdout.contains("ops-1"))
        let delistLine = audit.stdout.split(separator: "\n").first { $0.contains("listing.delist") } ?? ""
        #expect(delistLine.contains("com.carins.quote@mbank  bank  Partner licence suspended"))
        #expect(try await minictl(["audit"], developer).status == 1)
        let rotated = try await minictl(["host", "rotate-key", "mbank"], ops)
        #expect(rotated.stdout.contains("new host key for mbank (shown once): mhk_"))
        let deactivated = try await minictl(["host", "deactivate", "mbank", "--reason", "Retired for the test"], ops)
        #expect(deactivated.stdout.contains("deactivated host mbank; delisted: nothing"), "\(deactivated.stderr)")
        #expect(try await minictl(["host", "list"], ops).stdout.contains("(deactivated)"))
    }
}
