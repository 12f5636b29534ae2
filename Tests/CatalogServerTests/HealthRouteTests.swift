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

/// A real server on loopback, a real SQLite file.
struct HealthRouteTests {
    /// Runs the application on a free port while `body` runs, then stops it.
    static func withServer(_ body: @Sendable (URL) async throws -> Void) async throws {
        try await withServer { base, _ in try await body(base) }
    }

    /// Runs the application with a store the test can also use (to create accounts, inspect state).
    static func withServer(_ body: @Sendable (URL, SQLiteCatalogStore) async throws -> Void) async throws {
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
        let (data, response) = try await URLSession.shared.data(from: url)
        let http = try #require(response as? HTTPURLResponse)
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers["\(key)".lowercased()] = "\(value)" }
        return (http.statusCode, String(decoding: data, as: UTF8.self), headers)
    }

    @Test("GET /healthz answers with the key id; unknown routes answer with a problem document")
    func health() async throws {
        try await Self.withServer { base in
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
