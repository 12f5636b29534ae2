import Catalog
import CatalogCurl
import Foundation
import MiniSupport
import ServerTestSupport
import ShellAgent
import Testing

/// The agent carries the user's assertion: signed by the host's key (the demo's stand-in for its backend) or
/// read from a file the host app keeps fresh. A wrong, expired or unregistered one gets no catalog.
struct UserAssertionSourceTests {
    static func agent(_ server: TestServer, user: String, source: UserAssertionSource, data: URL) throws -> SyncAgent {
        try SyncAgent(
            configuration: AgentConfiguration(
                server: server.base.absoluteString, hostId: "mbank", hostKey: server.hostKey("mbank") ?? "",
                userId: user, userAssertion: source, trustedKeys: [server.publicKey]),
            transport: SyncAgentTests.transport, store: try ShellStore(directory: data))
    }

    /// Syncs once and gives the reason of the disconnection it reported, or nil when it synced.
    static func failure(_ agent: SyncAgent) async throws -> String? {
        guard await agent.sync() == false else { return nil }
        let events = try await SyncAgentTests.waitFor(agent) {
            if case .disconnected = $0 { true } else { false }
        }
        guard case .disconnected(let reason) = events.last else { return nil }
        return reason
    }

    static func assertion(_ server: TestServer, user: String, lifetime: TimeInterval = 600, issued: Date = Date())
        throws -> SignedEnvelope
    {
        UserAssertion.issue(
            hostId: "mbank", userId: user, properties: ["tier": "vip"], at: issued, lifetime: lifetime,
            key: try #require(server.userKey("mbank")))
    }

    @Test("a file from the host's backend: JSON or base64, read again at each sync; a wrong or expired one is named")
    func fromFile() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = SyncAgentTests.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            let file = data.appendingPathComponent("assertion.json")
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            let agent = try Self.agent(server, user: "u-1", source: .file(file), data: data)

            #expect(try await Self.failure(agent)?.contains("cannot read the user assertion") == true)
            try Data("{\"hello\": 1}".utf8).write(to: file)
            #expect(try await Self.failure(agent)?.contains("does not hold a signed user assertion") == true)
            try Self.assertion(server, user: "u-2").wireJSON.write(to: file)
            #expect(try await Self.failure(agent)?.contains("vouches for user 'u-2'") == true)
            try Self.assertion(server, user: "u-1", issued: Date().addingTimeInterval(-1_200)).wireJSON.write(
                to: file)
            #expect(try await Self.failure(agent)?.contains("expired") == true)

            try Self.assertion(server, user: "u-1").wireJSON.write(to: file)
            #expect(try await Self.failure(agent) == nil)
            try Data(UserAssertion.headerValue(try Self.assertion(server, user: "u-1")).utf8).write(to: file)
            #expect(try await Self.failure(agent) == nil)
        }
    }

    @Test("signed with a key the host never registered: the server's refusal is what the agent reports")
    func unregisteredKey() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = SyncAgentTests.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            let agent = try Self.agent(server, user: "u-1", source: .signer(.generate()), data: data)
            let reason = try #require(try await Self.failure(agent))
            #expect(reason.contains("401"), "\(reason)")
            #expect(reason.contains("user assertion refused"), "\(reason)")
        }
    }
}
