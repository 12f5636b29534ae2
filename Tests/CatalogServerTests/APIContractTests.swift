import Catalog
import CatalogAPI
import CatalogServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MiniSupport
import NIOCore
import Testing

/// The contract against the router, in memory (HummingbirdTesting's router mode: no socket).
struct APIContractTests {
    /// The platform's application over a fresh store, for router-level tests.
    static func withApplication(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await withApplication { client, _ in try await body(client) }
    }

    /// The same, with the store, so a test can set up and inspect state.
    static func withApplication(
        _ body: @Sendable (any TestClientProtocol, SQLiteCatalogStore) async throws -> Void
    ) async throws {
        try await withRouter { router, store in
            let application = Application(router: router, logger: HealthRouteTests.quietLogger)
            try await application.test(.router) { client in try await body(client, store) }
        }
    }

    /// The platform's router over a fresh store in a temporary data folder, removed afterwards.
    static func withRouter<T>(
        _ body: (Router<CatalogRequestContext>, SQLiteCatalogStore) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalogd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteCatalogStore(directory: directory)
        let (keyring, _) = try ServerKeyring.loadOrCreate(in: directory)
        let router = try CatalogApplication.makeRouter(
            configuration: ServerConfiguration(dataDirectory: directory), store: store, keyring: keyring)
        return try await body(router, store)
    }

    @Test("a path the API has, asked with another method, is a 405 that says what it accepts")
    func methodNotAllowed() async throws {
        try await Self.withApplication { client in
            for (method, path, allowed) in [
                (HTTPRequest.Method.post, "/healthz", "GET"), (.delete, "/v1/hosts", "GET, POST"),
                (.put, "/v1/hosts/mbank/catalog", "GET"), (.get, "/v1/hosts/mbank/acks", "POST"),
                (.patch, "/v1/apps/com.x.y/delist", "POST"),
            ] {
                try await client.execute(uri: path, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(response.headers[.allow] == allowed, "\(method) \(path)")
                    let problem = JSONCursor(try JSONValue.parse(Data(response.body.readableBytesView)))
                    #expect(try problem.require("code").string() == "method-not-allowed")
                }
            }
            try await client.execute(uri: "/v1/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                let problem = JSONCursor(try JSONValue.parse(Data(response.body.readableBytesView)))
                #expect(try problem.require("code").string() == "no-such-route")
            }
        }
    }

    @Test("the document declares query parameters and request and answer schemas from the contract")
    func documentSchemas() async throws {
        try await Self.withApplication { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                let document = JSONCursor(try JSONValue.parse(Data(response.body.readableBytesView)))
                let catalog = try document.require("paths").require("/v1/hosts/{hostId}/catalog").require("get")
                let names = try catalog.require("parameters").array().map { try $0.require("name").string() }
                #expect(names == ["hostId", "session", "p.properties"])
                let release = try document.require("paths").require("/v1/apps/{appId}/release").require("post")
                #expect(
                    try release.require("requestBody").require("content").require("application/json")
                        .require("schema").require("$ref").string() == "#/components/schemas/ListingRequest")
                let schemas = try document.require("components").require("schemas")
                for endpoint in CatalogAPI.all {
                    for name in [endpoint.body?.schema, endpoint.answer?.schema].compactMap({ $0 }) {
                        #expect(try schemas.field(name) != nil, "\(endpoint.path) names schema \(name)")
                    }
                }
                #expect(try schemas.require("ListingRequest").require("additionalProperties").bool() == false)
            }
        }
    }

    @Test("an acknowledgement over 256 KiB is a 413 body-too-large, and nothing is stored")
    func oversizedAcknowledgement() async throws {
        try await Self.withApplication { client, store in
            let key = "mhk_router-test-key-0123456789"
            #expect(
                try await store.createHostApp(
                    HostApp(id: "mbank", name: "Mobile banking"), keyHash: APIToken.hash(key), audit: nil))
            let token = DeviceToken.generate()
            _ = try await store.enrolDevice(
                id: "d-router-test", hostId: "mbank", publicKey: SigningKey.generate().verificationKey,
                tokenHash: APIToken.hash(token), at: Date())
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(token)"
            headers[.contentType] = "application/json"
            let body = ByteBuffer(bytes: [UInt8](repeating: UInt8(ascii: " "), count: 256 * 1024 + 1))
            try await client.execute(uri: "/v1/hosts/mbank/acks", method: .post, headers: headers, body: body) {
                response in
                #expect(response.status == .contentTooLarge)
                let problem = JSONCursor(try JSONValue.parse(Data(response.body.readableBytesView)))
                #expect(try problem.require("code").string() == "body-too-large")
            }
            #expect(try await store.acknowledgements(hostId: "mbank").isEmpty)
        }
    }

    @Test("paths are built from the contract, each parameter percent-encoded")
    func pathBuilding() {
        #expect(
            CatalogAPI.catalog.path(["hostId": "mbank"], query: [("session", "张伟"), ("p.region", "shang hai")])
                == "/v1/hosts/mbank/catalog?session=%E5%BC%A0%E4%BC%9F&p.region=shang%20hai")
        #expect(CatalogAPI.version.path(["appId": "a/b", "version": "1.0.0"]) == "/v1/apps/a%2Fb/versions/1.0.0")
        #expect(CatalogAPI.version.matches(path: "/v1/apps/x/versions/1.0.0"))
        #expect(!CatalogAPI.version.matches(path: "/v1/apps/x/versions"))
        #expect(CatalogAPI.methods(for: "/v1/hosts").map(\.rawValue).sorted() == ["GET", "POST"])
    }
}
