import Catalog
import Foundation
import Testing

struct KeyFilesTests {
    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("keyfiles-\(UUID().uuidString)")
    }

    @Test("written keys read back, the private file is 0600, and ids match")
    func roundTrip() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = SigningKey.generate()
        try KeyFiles.write(key, to: directory)
        let privateURL = directory.appendingPathComponent(KeyFiles.privateKeyFileName)
        let mode = try FileManager.default.attributesOfItem(atPath: privateURL.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let readBack = try KeyFiles.readSigningKey(at: privateURL)
        #expect(readBack.keyID == key.keyID)
        let publicKey = try KeyFiles.readVerificationKey(
            at: directory.appendingPathComponent(KeyFiles.publicKeyFileName))
        #expect(publicKey == key.verificationKey)
        #expect(publicKey.isValidSignature(key.signature(for: Data("m".utf8)), for: Data("m".utf8)))
    }

    @Test("existing keys are not overwritten without being asked")
    func noSilentOverwrite() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = SigningKey.generate()
        try KeyFiles.write(first, to: directory)
        #expect(throws: KeyError.self) { try KeyFiles.write(SigningKey.generate(), to: directory) }
        #expect(
            try KeyFiles.readSigningKey(at: directory.appendingPathComponent(KeyFiles.privateKeyFileName)).keyID
                == first.keyID)
        let second = SigningKey.generate()
        try KeyFiles.write(second, to: directory, overwrite: true)
        #expect(
            try KeyFiles.readSigningKey(at: directory.appendingPathComponent(KeyFiles.privateKeyFileName)).keyID
                == second.keyID)
    }

    @Test("corrupt key files are refused with a reason")
    func corrupt() throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("k")
        try Data("not json".utf8).write(to: file)
        #expect { try KeyFiles.readSigningKey(at: file) } throws: { "\($0)".contains("is not a key file") }
        let other = SigningKey.generate()
        try Data(
            #"{"type":"ed25519-private","keyid":"0000","key":"\#(other.rawRepresentation.base64EncodedString())"}"#.utf8
        ).write(to: file)
        #expect { try KeyFiles.readSigningKey(at: file) } throws: { "\($0)".contains("keyid does not match") }
        try Data(#"{"type":"ed25519-public","keyid":"0000","key":"AAAA"}"#.utf8).write(to: file)
        #expect { try KeyFiles.readSigningKey(at: file) } throws: { "\($0)".contains("expected ed25519-private") }
        #expect { try KeyFiles.readVerificationKey(at: file) } throws: { "\($0)".contains("32 bytes") }
    }

    @Test("key ids are 32 hex digits of SHA-256 over the raw public key")
    func keyID() throws {
        let key = try VerificationKey(base64: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")  // RFC 8032 test 1
        #expect(key.keyID.rawValue.count == 32)
        #expect(key.keyID == KeyID(publicKey: key.rawRepresentation))
    }
}
