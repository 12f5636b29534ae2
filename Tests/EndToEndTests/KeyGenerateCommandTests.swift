import Catalog
import Foundation
import MiniSupport
import Testing

/// `minictl key generate`, end to end through the built binary.
struct KeyGenerateCommandTests {
    @Test("writes a 0600 private key, prints the public key and id that the files hold")
    func generates() async throws {
        let folder = try TemporaryDirectory()
        let out = folder.url.appendingPathComponent("keys")
        let result = try await CommandRunner.run("minictl", ["key", "generate", "--out", out.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let printed = JSONCursor(try JSONValue.parse(Data(result.stdout.utf8)))
        let key = try KeyFiles.readSigningKey(at: out.appendingPathComponent(KeyFiles.privateKeyFileName))
        #expect(try printed.require("keyid").string() == key.keyID.rawValue)
        #expect(try printed.require("publicKey").string() == key.verificationKey.base64)
        let mode =
            try FileManager.default.attributesOfItem(
                atPath: out.appendingPathComponent(KeyFiles.privateKeyFileName).path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let text = try await CommandRunner.run(
            "minictl", ["key", "generate", "--out", folder.url.appendingPathComponent("k2").path])
        #expect(text.stdout.contains("public key: ") && text.stdout.contains("key id:     "))
    }

    @Test("refuses to replace a key unless forced")
    func refusesOverwrite() async throws {
        let folder = try TemporaryDirectory()
        #expect(try await CommandRunner.run("minictl", ["key", "generate", "--out", folder.url.path]).status == 0)
        let before = try KeyFiles.readSigningKey(at: folder.url.appendingPathComponent(KeyFiles.privateKeyFileName))
            .keyID
        let again = try await CommandRunner.run("minictl", ["key", "generate", "--out", folder.url.path])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists; pass --force"))
        #expect(
            try KeyFiles.readSigningKey(at: folder.url.appendingPathComponent(KeyFiles.privateKeyFileName)).keyID
                == before)
        #expect(
            try await CommandRunner.run("minictl", ["key", "generate", "--out", folder.url.path, "--force"]).status == 0
        )
    }

    @Test("an output path that is a file exits 1; a missing --out exits 2")
    func badOutput() async throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("plain", "x")
        let result = try await CommandRunner.run("minictl", ["key", "generate", "--out", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("exists and is not a directory"))
        #expect(try await CommandRunner.run("minictl", ["key", "generate"]).status == 2)
    }
}
