import Catalog
import CatalogServer
import CatalogTestSupport
import Foundation
import Testing

/// The server's keys folder: rotations that chain, survive restarts and complete when cut off.
struct ServerKeyringTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("keyring-\(UUID().uuidString)")
    }

    @Test("two rotations: a new key each time, a chain from the first key to the last, the openId secret kept")
    func rotations() throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (first, _) = try ServerKeyring.loadOrCreate(in: directory)
        let (second, one) = try ServerKeyring.rotate(in: directory)
        let (third, two) = try ServerKeyring.rotate(in: directory)
        #expect(one.sequence == 1 && two.sequence == 2)
        #expect(Set([first, second, third].map(\.signingKey.keyID)).count == 3)
        let reloaded = try ServerKeyring.load(from: directory)
        #expect(reloaded.signingKey.keyID == third.signingKey.keyID)
        #expect(reloaded.rotations.count == 2)
        let outcome = KeyRotationChain.follow(
            from: [first.signingKey.verificationKey], statements: reloaded.rotations, clock: SystemClock())
        #expect(outcome.keys == [third.signingKey.verificationKey])
        // The retired private key is gone from the folder; the openIds stay the same.
        let keys = directory.appendingPathComponent("keys")
        for name in try FileManager.default.contentsOfDirectory(atPath: keys.path) where name.hasSuffix(".key") {
            let key = try KeyFiles.readSigningKey(at: keys.appendingPathComponent(name))
            #expect(key.keyID == third.signingKey.keyID, "\(name)")
        }
        #expect(
            reloaded.openId.derive(hostId: "h", appId: "a", userId: "u")
                == first.openId.derive(hostId: "h", appId: "a", userId: "u"))
    }

    @Test("a rotation cut off after its statement is completed by the next load; a folder that cannot be is refused")
    func cutOff() throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = directory.appendingPathComponent("keys")
        let (old, _) = try ServerKeyring.loadOrCreate(in: directory)
        let (new, _) = try ServerKeyring.rotate(in: directory)
        // As if the process died after writing the statement: the new key still staged, the old one in place.
        try KeyFiles.writePrivateKey(new.signingKey, to: keys.appendingPathComponent("catalog-signing.key.next"))
        try KeyFiles.write(old.signingKey, to: keys, overwrite: true)
        let completed = try ServerKeyring.load(from: directory)
        #expect(completed.signingKey.keyID == new.signingKey.keyID)
        #expect(!FileManager.default.fileExists(atPath: keys.appendingPathComponent("catalog-signing.key.next").path))
        // The statement names a key nobody has: refused, rather than signing with a key shells will drop.
        try KeyFiles.write(old.signingKey, to: keys, overwrite: true)
        #expect(throws: KeyError.self) { try ServerKeyring.load(from: directory) }
    }

    @Test("processes sharing a keys folder: loads during rotations never break it, and one openId secret is made")
    func sharedFolder() async throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Replicas starting together on a new folder agree on the key and the openId secret.
        let started = try await withThrowingTaskGroup(of: ServerKeyring.self) { group in
            for _ in 0..<4 {
                group.addTask { try await offload { try ServerKeyring.loadOrCreate(in: directory).keyring } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(started.map(\.signingKey.keyID)).count == 1)
        #expect(Set(started.map { $0.openId.derive(hostId: "h", appId: "a", userId: "u") }).count == 1)
        // `key show` and replica starts while rotations run: every rotation lands, the folder always loads.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await offload { for _ in 0..<5 { _ = try ServerKeyring.rotate(in: directory) } } }
            group.addTask { try await offload { for _ in 0..<50 { _ = try ServerKeyring.load(from: directory) } } }
            try await group.waitForAll()
        }
        let loaded = try ServerKeyring.load(from: directory)
        #expect(loaded.rotations.count == 5)
        let outcome = KeyRotationChain.follow(
            from: [started[0].signingKey.verificationKey], statements: loaded.rotations, clock: SystemClock())
        #expect(outcome.keys == [loaded.signingKey.verificationKey])
    }
}
