import Catalog
import CatalogServer
import Foundation
import Hummingbird
import Logging
import MiniSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The route tests' set-ups: the router in-process over a real SQLite file, or a real server on loopback.
struct HealthRouteTests {
    /// Runs `body` against the platform's router in-process (no socket): what most route tests need.
    static func withServer(_ body: @Sendable (URL) async throws -> Void) async throws {
        try await withServer { base, _ in try await body(base) }
    }

    /// The same, with a store the test can also use (to create accounts, inspect state).
    static func withServer(_ body: @Sendable (URL, SQLiteCatalogStore) async throws -> Void) async throws {
        try await APIContractTests.withApplication { client, store in
            try await RouteTransport.$router.withValue(client) {
                try await body(RouteTransport.inProcessBase, store)
            }
        }
    }

    /// Runs the application on a free port while `body` runs, then stops it: for the tests that are about the
    /// HTTP server itself (its sockets, many connections at once).
    static func withLiveServer(_ body: @Sendable (URL) async throws -> Void) async throws {
        try await withLiveServer { base, _ in try await body(base) }
    }

    /// The same, with the store.
    static func withLiveServer(_ body: @Sendable (URL, SQLiteCatalogStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalogd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteCatalogStore(directory: directory)
        let (keyring, _) = try ServerKeyring.loadOrCreate(in: directory)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = try CatalogApplication.build(
            configuration: ServerConfiguration(
                dataDirectory: directory, listen: ListenAddress(host: "127.0.0.1", port: 0)),
            store: store, keyring: keyring, logger: Self.quietLogger
        ) { port in continuation.yield(port) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await application.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body(URL(string: "http://127.0.0.1:\(port)")!, store)
            group.cancelAll()
        }
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    static func get(_ url: URL) async throws -> (Int, String, [String: String]) {
        let reply = try await RouteTransport.send(URLRequest(url: url))
        return (reply.status, String(decoding: reply.data, as: UTF8.self), reply.headers)
    }

    @Test("GET /healthz answers with the key id; unknown routes answer with a problem document")
    func health() async throws {
        try await Self.withLiveServer { base in
            let (status, body, headers) = try await Self.get(base.appendingPathComponent("healthz"))
            #expect(status == 200)
            #expect(headers["content-type"] == "application/json")
            let json = JSONCursor(try JSONValue.parse(Data(body.utf8)))
            #expect(try json.require("status").string() == "ok")
            #expect(try json.require("keyid").string().count == 32)
            let (missing, problem, problemHeaders) = try await Self.get(base.appendingPathComponent("v1/nothing"))
            #expect(missing == 404)
            #expect(problemHeaders["content-type"] == "application/problem+json")
            let document = JSONCursor(try JSONValue.parse(Data(problem.utf8)))
            #expect(try document.require("code").string() == "no-such-route")
            #expect(try document.require("status").int() == 404)
        }
    }
}
