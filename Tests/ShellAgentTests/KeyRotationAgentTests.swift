import Catalog
import CatalogCurl
import CatalogServer
import Foundation
import MiniSupport
import ServerTestSupport
import ShellAgent
import Testing

/// The agent follows the server's key rotations: a shell that pins a retired key verifies the statements, moves
/// its pin, and from then on refuses the retired key's signatures.
struct KeyRotationAgentTests {
    /// The real server, except that `/v1/keys/rotations` answers these statements.
    static func transport(_ statements: [SignedEnvelope], catalog: Data? = nil) -> Interceptor {
        let body = Data(
            JSONValue.object([
                "rotations": .array(statements.map(\.jsonValue))
            ]).serialized().utf8)
        return Interceptor(base: SyncAgentTests.transport) { request, reply in
            if request.url.hasSuffix("/v1/keys/rotations") { return HTTPReply(status: 200, headers: [:], body: body) }
            if let catalog, request.url.contains("/catalog") {
                return HTTPReply(status: 200, headers: [:], body: catalog)
            }
            return reply
        }
    }

    /// A fresh, empty catalog of u-1 on mbank signed by `key` (a retired key, in these tests).
    static func catalog(signedBy key: SigningKey) throws -> Data {
        let now = Date()
        return try WireFormat.encoder().encode(
            try SignedEnvelope.sign(
                CatalogSnapshot(
                    hostId: "mbank", userId: "u-1", catalogVersion: 1_000, eventSequence: 0, issuedAt: now,
                    expiresAt: now.addingTimeInterval(3_600), entries: [], tombstones: []),
                with: [key]))
    }

    @Test(
        "offline across two rotations: the chain from the pinned key is followed, the pin moves, the old key is refused"
    )
    func followed() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = SyncAgentTests.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            let k0 = SigningKey.generate()
            let k1 = SigningKey.generate()
            let served = server.keyring.signingKey
            let past = Date().addingTimeInterval(-86_400)
            let chain = [
                KeyRotation.signed(sequence: 2, from: k1, to: served, at: past),
                KeyRotation.signed(sequence: 1, from: k0, to: k1, at: past),
            ]
            let agent = try SyncAgentTests.agent(
                server, user: "u-1", data: data, keys: [k0.verificationKey], transport: Self.transport(chain))
            #expect(await agent.sync())
            let store = try ShellStore(directory: data)
            #expect(try store.pinnedKeys() == [served.verificationKey])
            #expect(try store.knownKeyIDs() == [k0.keyID, k1.keyID, served.keyID])
            let seen = try await SyncAgentTests.waitFor(agent) { if case .keyRotated = $0 { true } else { false } }
            #expect(
                seen.last
                    == .keyRotated(from: [k0.keyID.rawValue], to: [served.keyID.rawValue], rotations: 2))

            // Started again with the retired key given (as scripts pass --server-key): known, not trusted.
            let oldSigned = try Self.catalog(signedBy: k0)
            let again = try SyncAgentTests.agent(
                server, user: "u-1", data: data, keys: [k0.verificationKey],
                transport: Self.transport(chain, catalog: oldSigned))
            #expect(await again.sync() == false)
            #expect(try store.logLines().first?.detail.contains("[unknown-key]") == true)
            #expect(try store.pinnedKeys() == [served.verificationKey])
        }
    }

    @Test("statements that do not verify move nothing: signed by the new key alone, or by an attacker")
    func forged() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = SyncAgentTests.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            let k0 = SigningKey.generate()
            let served = server.keyring.signingKey
            let statement = KeyRotation(
                sequence: 1, previousKey: k0.verificationKey, newKey: served.verificationKey, issuedAt: Date())
            let newOnly = SignedEnvelope.sign(
                payload: statement.wireJSON, payloadType: KeyRotation.payloadType, with: [served])
            let agent = try SyncAgentTests.agent(
                server, user: "u-1", data: data, keys: [k0.verificationKey], transport: Self.transport([newOnly]))
            #expect(await agent.sync() == false)
            let store = try ShellStore(directory: data)
            #expect(try store.pinnedKeys() == [k0.verificationKey])
            let seen = try await SyncAgentTests.waitFor(agent) {
                if case .refused("key-rotation", _, _) = $0 { true } else { false }
            }
            #expect(seen.contains { $0.name == "refused" })
            #expect(try store.logLines().first?.detail.contains("[unknown-key]") == true)
        }
    }

    @Test("the new key named at start while the old is pinned: trusted once the chain leads to it, not before")
    func awaitedKey() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let served = server.keyring.signingKey
            let k0 = SigningKey.generate()
            let unpinned = SyncAgentTests.folder()
            defer { try? FileManager.default.removeItem(at: unpinned) }
            _ = try ShellStore(directory: unpinned).pin([k0.verificationKey])
            // No statement leads there: the key given is not taken on its word.
            let refused = try SyncAgentTests.agent(
                server, user: "u-1", data: unpinned, keys: [served.verificationKey], transport: Self.transport([]))
            #expect(await refused.sync() == false)
            let line = try #require(try ShellStore(directory: unpinned).logLines().first?.detail)
            #expect(line.contains("[unknown-key]") && line.contains("not pinned"), "\(line)")

            let chained = SyncAgentTests.folder()
            defer { try? FileManager.default.removeItem(at: chained) }
            _ = try ShellStore(directory: chained).pin([k0.verificationKey])
            let statement = KeyRotation.signed(sequence: 1, from: k0, to: served, at: Date().addingTimeInterval(-60))
            let followed = try SyncAgentTests.agent(
                server, user: "u-1", data: chained, keys: [served.verificationKey],
                transport: Self.transport([statement]))
            #expect(await followed.sync())
            #expect(try ShellStore(directory: chained).pinnedKeys() == [served.verificationKey])
        }
    }

    @Test("a key retired in an earlier run is never trusted again, even by a statement both keys signed")
    func retiredStaysRetired() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = SyncAgentTests.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            let served = server.keyring.signingKey
            let k0 = SigningKey.generate()
            let past = Date().addingTimeInterval(-600)
            let first = try SyncAgentTests.agent(
                server, user: "u-1", data: data, keys: [k0.verificationKey],
                transport: Self.transport([KeyRotation.signed(sequence: 1, from: k0, to: served, at: past)]))
            #expect(await first.sync())
            // Later, statements hand the pin back to the retired key (a thief holding both keys would).
            let back = [
                KeyRotation.signed(sequence: 1, from: k0, to: served, at: past),
                KeyRotation.signed(sequence: 2, from: served, to: k0, at: past.addingTimeInterval(60)),
            ]
            let oldSigned = try Self.catalog(signedBy: k0)
            let second = try SyncAgentTests.agent(
                server, user: "u-1", data: data, transport: Self.transport(back, catalog: oldSigned))
            #expect(await second.sync() == false)
            let store = try ShellStore(directory: data)
            #expect(try store.pinnedKeys() == [served.verificationKey])
            #expect(try store.retiredKeys() == [k0.verificationKey])
        }
    }
}
