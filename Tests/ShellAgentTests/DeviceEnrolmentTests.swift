import Catalog
import CatalogCurl
import CatalogServer
import Foundation
import ServerTestSupport
import ShellAgent
import Synchronization
import Testing

/// The agent as a device: it enrols once, enrols again when the server forgets its token, and stops asking
/// once operations revoke it. A real catalogd on loopback, over libcurl.
struct DeviceEnrolmentTests {
    /// Counts the requests that reach the server, by path.
    final class Counter: Sendable {
        private let paths = Mutex<[String]>([])
        var all: [String] { paths.withLock { $0 } }
        func add(_ url: String) { paths.withLock { $0.append(url) } }
    }

    @Test("enrols once; a forgotten token means one new enrolment of the same key; a revoked device asks no more")
    func lifecycle() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = SyncAgentTests.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            let counter = Counter()
            let counting = Interceptor(base: SyncAgentTests.transport) { request, reply in
                counter.add(request.url)
                return reply
            }
            let agent = try SyncAgentTests.agent(server, user: "u-1", data: data, transport: counting)
            #expect(await agent.sync())
            #expect(await agent.sync())
            #expect(counter.all.filter { $0.hasSuffix("/devices") }.count == 1, "enrolled once")
            let deviceId = try #require(await agent.deviceId)
            let key = try ShellStore(directory: data).deviceKey()

            // The same key enrols elsewhere (the shell's data was restored on another machine): the agent's token
            // is unknown now, and it enrols again, as the same device.
            let elsewhere = try await SyncAgentTests.transport.send(
                HTTPRequest(
                    method: "POST", url: "\(server.base)/v1/hosts/mbank/devices",
                    headers: [
                        ("X-Host-Key", try #require(server.hostKey("mbank"))), ("Content-Type", "application/json"),
                    ],
                    body: DeviceEnrolment.signed(hostId: "mbank", deviceKey: key, at: Date()).wireJSON))
            #expect(elsewhere.status == 201)
            #expect(await agent.sync())
            #expect(counter.all.filter { $0.hasSuffix("/devices") }.count == 2)
            #expect(await agent.deviceId == deviceId)

            // Revoked: refused once, with its code, and no request after that.
            let revoked = try await SyncAgentTests.transport.send(
                HTTPRequest(
                    method: "POST", url: "\(server.base)/v1/devices/\(deviceId)/revoke",
                    headers: [
                        ("Authorization", "Bearer \(try #require(server.token("ops-wang")))"),
                        ("Content-Type", "application/json"),
                    ],
                    body: Data(#"{"reason": "reported stolen"}"#.utf8)))
            #expect(revoked.status == 200)
            #expect(await agent.sync() == false)
            let logged = try ShellStore(directory: data).logLines().first?.detail ?? ""
            #expect(logged.contains("[device-revoked]"), "\(logged)")
            let asked = counter.all.count
            #expect(await agent.sync() == false)
            await agent.acknowledge()
            #expect(counter.all.count == asked, "a revoked device asks for nothing more")
        }
    }
}
