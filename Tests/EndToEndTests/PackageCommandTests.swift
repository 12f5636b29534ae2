import Foundation
import Testing

/// `minictl check`, `pack` and `preview`, end to end through the built binary.
struct PackageCommandTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sample-apps")

    @Test(
        "check exits 0 with the review report on every sample app",
        arguments: ["car-insurance", "fund-subscription", "account-opening", "bill-payment", "branch-queue"])
    func checkSamples(_ app: String) async throws {
        let result = try await CommandRunner.run("minictl", ["check", Self.samples.appendingPathComponent(app).path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Scopes:") && result.stdout.contains("Page "))
        let json = try await CommandRunner.run(
            "minictl", ["check", "--json", Self.samples.appendingPathComponent(app).path])
        #expect(json.status == 0)
        #expect(json.stdout.contains("\"ok\":true"))
    }

    @Test("check exits 1 with located diagnostics on a broken app; 2 on usage errors")
    func checkBroken() async throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(
            at: folder.url.appendingPathComponent("pages"), withIntermediateDirectories: true)
        _ = try folder.write(
            "manifest.json",
            #"{"id": "com.x.y", "name": "X", "version": "1.0.0", "category": "lifestyle", "pages": ["index"]}"#)
        _ = try folder.write("pages/index.mml", "<colum>\n</colum>\n")
        let result = try await CommandRunner.run("minictl", ["check", folder.url.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: unknown component <colum>\n --> pages/index.mml:1:2"))
        #expect(result.stdout.isEmpty)
        #expect(try await CommandRunner.run("minictl", ["check"]).status == 2)
        #expect(try await CommandRunner.run("minictl", ["check", "/no/such/app"]).status == 1)
    }

    @Test("pack is deterministic, prints sha256 and size, and refuses broken apps")
    func pack() async throws {
        let folder = try TemporaryDirectory()
        let first = folder.url.appendingPathComponent("a.zip").path
        let second = folder.url.appendingPathComponent("b.zip").path
        let app = Self.samples.appendingPathComponent("bill-payment").path
        let one = try await CommandRunner.run("minictl", ["pack", app, "-o", first])
        let two = try await CommandRunner.run("minictl", ["pack", app, "-o", second])
        #expect(one.status == 0 && two.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(contentsOf: URL(fileURLWithPath: second)))
        #expect(one.stdout.hasPrefix("sha256: ") && one.stdout.contains("size:   "))
        #expect(
            try await CommandRunner.run("minictl", ["check", first]).status == 0, "the package checks like its folder")
        try FileManager.default.createDirectory(
            at: folder.url.appendingPathComponent("broken"), withIntermediateDirectories: true)
        let broken = try await CommandRunner.run(
            "minictl",
            [
                "pack", folder.url.appendingPathComponent("broken").path, "-o",
                folder.url.appendingPathComponent("c.zip").path,
            ])
        #expect(broken.status == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("c.zip").path))
    }

    @Test("preview prints the screen and, with --events, what the host saw")
    func preview() async throws {
        let app = Self.samples.appendingPathComponent("car-insurance").path
        let fixtures = Self.samples.appendingPathComponent("car-insurance.fixtures.json").path
        let result = try await CommandRunner.run(
            "minictl",
            [
                "preview", app, "--fixtures", fixtures, "--size", "60x12", "--keys",
                "type:沪a12345 down down down enter", "--events",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Plans for 沪A12345"))
        #expect(result.stdout.contains("request: POST https://api.carins.example/v2/quotes"))
        let denied = try await CommandRunner.run(
            "minictl",
            ["preview", Self.samples.appendingPathComponent("branch-queue").path, "--deny", "location", "--events"])
        #expect(denied.stdout.contains("consent: location denied"))
        #expect(denied.stdout.contains("Allow location to see nearby branches."))
    }

    @Test("preview usage errors exit 2", arguments: [["--size", "10x2"], ["--keys", "jump"], ["--deny", "camera"]])
    func previewUsage(_ extra: [String]) async throws {
        let result = try await CommandRunner.run(
            "minictl", ["preview", Self.samples.appendingPathComponent("car-insurance").path] + extra)
        #expect(result.status == 2, "\(result.stderr)")
    }
}
