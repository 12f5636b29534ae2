import CatalogServer
import Foundation
import ServerTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// catalogd under a slowloris flood: many connections that each send half a request head and nothing more.
/// With the server's default limits (at most 4,096 connections waiting for a request, a 15 s idle timeout),
/// `/healthz` must still answer within a second, and every half-request must be closed within 30 s.
enum SlowlorisBenchmark {
    /// Half-requests opened; with the server's own sockets it stays under the 20,000 descriptors of one process.
    static let count = 12_000

    static func run() async throws {
        try await TestServer.run { server in
            let before = Measure.residentBytes()
            let opened = ContinuousClock.now
            let swarm = try EventStreamSwarm(
                port: server.port, sending: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", count: count)
            let openedIn = ContinuousClock.now - opened
            let start = DispatchTime.now().uptimeNanoseconds
            var answers: [Double] = []
            for _ in 0..<20 { answers.append(try healthz(port: server.port)) }
            let during = Measure.residentBytes()
            let (closed, last) = swarm.waitUntilClosed(timeout: .seconds(60))
            let closedAfter = Double(last - start) / 1e9
            let after = Measure.residentBytes()
            let worst = answers.max() ?? 0
            let openedSeconds = Double(openedIn.components.seconds) + Double(openedIn.components.attoseconds) / 1e18
            print(
                String(
                    format:
                        "\ncatalogd under slowloris (%d connections each sending half a request head, opened in %.1f s; default limits)",
                    count, openedSeconds))
            print(
                String(
                    format: "  /healthz meanwhile: p50 %.1f ms, max %.1f ms — goal ≤ 1000 ms: %@",
                    Measure.percentile(answers, 0.5) * 1000, worst * 1000, worst <= 1 ? "met" : "NOT met"))
            print(
                String(
                    format: "  half-requests closed: %d of %d, the last %.1f s after the flood — goal ≤ 30 s: %@",
                    closed,
                    count, closedAfter, closed == count && closedAfter <= 30 ? "met" : "NOT met"))
            print(
                String(
                    format:
                        "  resident memory (bench and server together): %.0f MiB before, %.0f MiB during, %.0f MiB after",
                    Double(before) / 1_048_576, Double(during) / 1_048_576, Double(after) / 1_048_576))
        }
    }

    /// One `/healthz` on a new connection: seconds from connect to the whole answer.
    private static func healthz(port: Int) throws -> Double {
        let started = DispatchTime.now().uptimeNanoseconds
        let probe = try EventStreamSwarm(
            port: port, sending: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", count: 1)
        let (closed, last) = probe.waitUntilClosed(timeout: .seconds(10))
        guard closed == 1 else { return 10 }
        return Double(last - started) / 1e9
    }
}
