import Catalog
import CatalogCurl
import Foundation
import ServerTestSupport
import ShellAgent
import TermShell
import TermShellRuntime
import Testing

/// The screens' session against a real catalogd: the service list arrives, a recall becomes a notice.
struct ShellSessionTests {
    static func actions(_ session: ShellSession, until match: (ShellAction) -> Bool) async throws -> [ShellAction] {
        var seen: [ShellAction] = []
        for _ in 0..<400 {
            let batch = session.drain()
            seen += batch
            if batch.contains(where: match) { return seen }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("no matching action in 10 s; saw \(seen.count)")
        return seen
    }

    @Test("signing in syncs the user's services; a delisting arrives as a notice and leaves the list")
    func session() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = FileManager.default.temporaryDirectory.appendingPathComponent("session-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: data) }
            let session = try ShellSession(
                configuration: ShellSession.Configuration(
                    server: server.base.absoluteString, hostId: "mbank", hostKey: server.hostKey("mbank")!,
                    userSigningKey: try #require(server.userKey("mbank")), serverKeys: [server.publicKey],
                    dataDirectory: data),
                transport: CurlTransport())
            defer { session.stop() }
            try session.start(DemoBank.User.typed("u-1"))
            let first = try await Self.actions(session) { action in
                if case .diagnostics(let info) = action {
                    info.installed.contains { $0.app == "com.carins.quote" }
                } else {
                    false
                }
            }
            let services = first.compactMap { if case .catalog(let services, .current) = $0 { services } else { nil } }
            #expect(services.last?.contains { $0.id == "com.carins.quote" && $0.installed } == true)
            let info = first.compactMap { if case .diagnostics(let info) = $0 { info } else { nil } }.last
            #expect(info?.catalogVersion != nil)
            #expect(info?.log.first?.kind == "installed" || info?.log.contains { $0.kind == "synced" } == true)
            let ops = server.token("ops-wang")!
            let reply = try await CurlTransport().send(
                HTTPRequest(
                    method: "POST", url: "\(server.base)/v1/apps/com.carins.quote/delist",
                    headers: [("Authorization", "Bearer \(ops)"), ("Content-Type", "application/json")],
                    body: Data(#"{"host": "mbank", "reason": "Partner licence suspended"}"#.utf8)))
            #expect(reply.status == 200)
            let after = try await Self.actions(session) { action in
                if case .notice = action { true } else { false }
            }
            let notice = after.compactMap { if case .notice(let notice) = $0 { notice } else { nil } }.first
            #expect(
                notice
                    == ShellState.Notice(
                        service: ShellState.Text("On-demand car insurance", chinese: "按天车险"),
                        reason: "Partner licence suspended"))
            let last = after.compactMap { if case .catalog(let services, _) = $0 { services } else { nil } }.last
            #expect(last?.contains { $0.id == "com.carins.quote" } == false)
        }
    }
}
