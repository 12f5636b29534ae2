import Catalog
import CatalogCurl
import CatalogServer
import Foundation
import ServerTestSupport
import ShellAgent
import Testing

/// The libcurl transport against a real catalogd on loopback.
struct CurlTransportTests {
    static let transport = CurlTransport()

    @Test("GET and POST with headers and bodies; answers of every status come back whole")
    func requests() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let health = try await Self.transport.send(HTTPRequest(url: "\(server.base)/healthz"))
            #expect(health.status == 200)
            #expect(health.headers["content-type"] == "application/json")
            #expect(String(decoding: health.body, as: UTF8.self).contains(server.keyring.signingKey.keyID.rawValue))

            let ops = try #require(server.token("ops-wang"))
            let created = try await Self.transport.send(
                HTTPRequest(
                    method: "POST", url: "\(server.base)/v1/hosts",
                    headers: [("Authorization", "Bearer \(ops)"), ("Content-Type", "application/json")],
                    body: Data(#"{"id": "atm", "name": "ATM"}"#.utf8)))
            #expect(created.status == 201)
            #expect(String(decoding: created.body, as: UTF8.self).contains("mhk_"))

            let refused = try await Self.transport.send(
                HTTPRequest(method: "POST", url: "\(server.base)/v1/hosts", body: Data("{}".utf8)))
            #expect(refused.status == 401)
            #expect(refused.headers["content-type"] == "application/problem+json")

            let key = try await server.enrolDevice(host: "mbank").token
            let assertion = ("Minicatalog-User-Assertion", server.userAssertion(host: "mbank", user: "u-1"))
            let catalog = try await Self.transport.send(
                HTTPRequest(
                    url: "\(server.base)/v1/hosts/mbank/catalog",
                    headers: [("Authorization", "Bearer \(key)"), assertion]
                ))
            let etag = try #require(catalog.headers["etag"])
            let again = try await Self.transport.send(
                HTTPRequest(
                    url: "\(server.base)/v1/hosts/mbank/catalog",
                    headers: [("Authorization", "Bearer \(key)"), ("If-None-Match", etag), assertion]))
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
        }
    }

    @Test("limits: a too-large answer, a timeout, a closed port")
    func failures() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            await #expect(throws: TransportError.tooLarge(100)) {
                try await Self.transport.send(
                    HTTPRequest(url: "\(server.base)/openapi.json", maximumResponseSize: 100))
            }
            let key = try await server.enrolDevice(host: "mbank").token
            // An event stream never ends: as a plain request it times out.
            await #expect(throws: TransportError.timedOut) {
                try await Self.transport.send(
                    HTTPRequest(
                        url: "\(server.base)/v1/hosts/mbank/events", headers: [("Authorization", "Bearer \(key)")],
                        timeout: .milliseconds(300)))
            }
        }
        do {
            _ = try await Self.transport.send(HTTPRequest(url: "http://127.0.0.1:1/healthz"))
            Issue.record("nothing listens on port 1")
        } catch {
            guard case .unreachable = error else {
                Issue.record("expected unreachable, got \(error)")
                return
            }
        }
    }

    @Test("cancelling the caller cancels a request at once")
    func cancellation() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let key = try await server.enrolDevice(host: "mbank").token
            let request = Task {
                try await Self.transport.send(
                    HTTPRequest(
                        url: "\(server.base)/v1/hosts/mbank/events", headers: [("Authorization", "Bearer \(key)")],
                        timeout: .seconds(30)))
            }
            try await Task.sleep(for: .milliseconds(200))
            request.cancel()
            // Cancelled, not timed out: the transfer stopped when its caller did.
            await #expect(throws: TransportError.cancelled) { try await request.value }
        }
    }

    @Test("a stream delivers events as they happen, fails with the status when refused, and closes when dropped")
    func streams() async throws {
        // A short heartbeat: the server notices a closed stream when it next writes to it.
        try await TestServer.run(seed: TestServer.demoSeed, heartbeat: .milliseconds(100)) { server in
            let key = try await server.enrolDevice(host: "mbank").token
            let refused = Self.transport.stream(
                HTTPRequest(
                    url: "\(server.base)/v1/hosts/mbank/events", headers: [("Authorization", "Bearer mdt_wrong")]))
            do {
                for try await _ in refused {}
                Issue.record("a wrong key must not open a stream")
            } catch let error as TransportError {
                guard case .status(401, let body) = error else {
                    Issue.record("\(error)")
                    return
                }
                #expect(body.contains("unknown-device"))
            }

            let latest = try await server.store.hostState("mbank").eventSequence
            let received = try await Self.readUntilDelisted(server, latest: latest, key: key)
            #expect(received.contains("event: catalog\ndata: {"))
            // Leaving the loop closes the stream on the server too.
            var open = await server.hub.openStreams("mbank")
            for _ in 0..<200 where open > 0 {
                try await Task.sleep(for: .milliseconds(10))
                open = await server.hub.openStreams("mbank")
            }
            #expect(open == 0)
        }
    }

    /// Reads the stream until the delisting it triggers arrives; the stream goes away with this call.
    static func readUntilDelisted(_ server: TestServer, latest: UInt64, key: String) async throws -> String {
        let stream = Self.transport.stream(
            HTTPRequest(
                url: "\(server.base)/v1/hosts/mbank/events?after=\(latest)",
                headers: [("Authorization", "Bearer \(key)")]))
        var received = ""
        var delisted = false
        for try await chunk in stream {
            received += String(decoding: chunk, as: UTF8.self)
            if !delisted, received.contains(": catalogd events") {
                delisted = true
                let ops = try #require(server.token("ops-wang"))
                let reply = try await Self.transport.send(
                    HTTPRequest(
                        method: "POST", url: "\(server.base)/v1/apps/com.eastsec.open-account/delist",
                        headers: [("Authorization", "Bearer \(ops)"), ("Content-Type", "application/json")],
                        body: Data(#"{"host": "mbank", "reason": "Licence suspended"}"#.utf8)))
                #expect(reply.status == 200)
            }
            if received.contains("id: \(latest + 1)\n") { break }
        }
        return received
    }
}
