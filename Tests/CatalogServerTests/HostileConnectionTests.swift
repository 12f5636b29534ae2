import CatalogServer
import Foundation
import MiniSupport
import ServerTestSupport
import Testing

/// Clients that hold connections without finishing requests, and requests the HTTP parser refuses, against a
/// real server on loopback.
@Suite(.serialized)
struct HostileConnectionTests {
    /// A server whose limits are small enough to reach in a test.
    private func withSmallServer(
        seed: URL? = nil, bodyTimeout: Duration = .seconds(1), _ body: @Sendable (TestServer) async throws -> Void
    ) async throws {
        try await TestServer.run(
            seed: seed,
            configure: {
                $0.connections = ConnectionLimits(
                    maximumConnections: 64, maximumWaiting: 32, idleTimeout: .seconds(1), bodyTimeout: bodyTimeout)
            }
        ) { server in try await body(server) }
    }

    private func healthz(_ port: Int) async throws -> String {
        let connection = try RawConnection(port: port)
        connection.send("GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        return try await connection.readAll()
    }

    /// The JSON body of a raw HTTP answer.
    private func problem(_ answer: String) throws -> JSONCursor {
        let body = try #require(answer.range(of: "\r\n\r\n")).upperBound
        return JSONCursor(try JSONValue.parse(Data(answer[body...].utf8)))
    }

    @Test("Half-sent requests beyond the limit do not keep /healthz out, and every one is closed")
    func slowloris() async throws {
        try await withSmallServer { server in
            var held: [RawConnection] = []
            for _ in 0..<300 {
                let connection = try RawConnection(port: server.port)
                connection.send("GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: ")
                held.append(connection)
            }
            #expect(try await healthz(server.port).hasPrefix("HTTP/1.1 200"))
            // Shed to make room, or closed by the idle timeout: none stays open.
            var open = 0
            for connection in held where try await !connection.closedByServer(within: 20) { open += 1 }
            #expect(open == 0, "\(open) half-requests are still open")
            #expect(try await healthz(server.port).hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("A body that trickles in is cut off when its time is up, though it is never idle")
    func slowBody() async throws {
        try await withSmallServer { server in
            let connection = try RawConnection(port: server.port)
            connection.send(
                "POST /v1/partners HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            )
            // A byte every 300 ms keeps the idle timeout (1 s) from firing; only the body timeout can end it.
            var closed = false
            for _ in 0..<40 where !closed {
                connection.send(" ")
                closed = try await connection.closedByServer(within: 0.3)
            }
            #expect(closed, "a body that takes 12 s with a 1 s limit is still being read")
        }
    }

    @Test(
        "What the HTTP parser refuses is answered with a problem document",
        arguments: [
            ("GARBAGE\u{1} / HTTP/1.1\r\n\r\n", 400),
            ("GET /healthz HTTP/1.1\r\nX-Big: \(String(repeating: "a", count: 40_000))\r\n\r\n", 431),
            ("GET /healthz HTTP/7.5\r\n\r\n", 400),
        ])
    func parserRefusals(request: String, status: Int) async throws {
        try await withSmallServer { server in
            let connection = try RawConnection(port: server.port)
            connection.send(request)
            let answer = try await connection.readAll()
            #expect(answer.hasPrefix("HTTP/1.1 \(status)"), "\(answer.prefix(200))")
            #expect(answer.lowercased().contains("content-type: application/problem+json"))
            let document = try problem(answer)
            #expect(try document.require("code").string() == "invalid-request")
            #expect(try document.require("status").int() == status)
        }
    }

    @Test("A malformed chunked body is a 400 problem, not a server failure")
    func malformedChunk() async throws {
        // A body whose framing broke never ends: a long body timeout, so that a slow machine answers before it.
        try await withSmallServer(seed: TestServer.demoSeed, bodyTimeout: .seconds(60)) { server in
            let token = try #require(server.token("ops-wang"))
            let connection = try RawConnection(port: server.port)
            connection.send(
                "POST /v1/segments HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n"
            )
            let answer = try await connection.readAll(seconds: 5)
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(200))")
            #expect(try problem(answer).require("code").string() == "invalid-request")
        }
    }
}
