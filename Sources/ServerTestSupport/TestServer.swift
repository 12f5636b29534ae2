import Catalog
import CatalogServer
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A real catalogd on loopback for integration tests and benchmarks: its own data folder, port 0, the
/// demo seed if asked, and handles on its store, hub and key.
public struct TestServer: Sendable {
    public var base: URL
    public var port: Int
    public var store: SQLiteCatalogStore
    public var hub: EventHub
    public var keyring: ServerKeyring
    public var directory: URL
    /// What the seed created (tokens and host keys), when the server was seeded.
    public var seed: Seeder.Report?

    /// The verification key shells pin.
    public var publicKey: VerificationKey { keyring.signingKey.verificationKey }

    /// A token of the seeded account with this id.
    public func token(_ account: String) -> String? { seed?.accounts.first { $0.id == account }?.token }
    /// The seeded key of a host.
    public func hostKey(_ host: String) -> String? { seed?.hostKeys.first { $0.host == host }?.key }

    /// The seeded user-signing key of a host: the demo host backend's, which vouches for its users.
    public func userKey(_ host: String) -> SigningKey? {
        userKeyFile(host).flatMap { try? KeyFiles.readSigningKey(at: $0) }
    }

    /// The file the seed wrote a host's user-signing key to (what `termshell --user-key` reads).
    public func userKeyFile(_ host: String) -> URL? { seed?.userKeyFiles.first { $0.host == host }?.file }

    /// A `Minicatalog-User-Assertion` header value for a user of a seeded host, signed with its user key as
    /// the host's backend would.
    public func userAssertion(
        host: String, user: String, properties: [String: String] = [:], deviceId: String? = nil,
        lifetime: TimeInterval = 900
    ) -> String {
        guard let key = userKey(host) else { preconditionFailure("host '\(host)' has no seeded user key") }
        return UserAssertion.headerValue(
            UserAssertion.issue(
                hostId: host, userId: user, properties: properties, deviceId: deviceId, at: Date(), lifetime: lifetime,
                key: key))
    }

    /// Enrols a device with a host directly in the store (as the enrolment route would) and gives its id and
    /// bearer token: what a benchmark's load generator or a test sends as a shell.
    public func enrolDevice(host: String, key: SigningKey = .generate()) async throws -> (
        deviceId: String, token: String
    ) {
        let token = DeviceToken.generate()
        switch try await store.enrolDevice(
            id: Device.newID(), hostId: host, publicKey: key.verificationKey, tokenHash: APIToken.hash(token),
            at: Date())
        {
        case .enrolled(let device): return (device.id, token)
        case .revoked(let device): throw DeviceRevoked(deviceId: device.id)
        }
    }

    public struct DeviceRevoked: Error { public var deviceId: String }

    /// The repository's demo seed.
    public static let demoSeed = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("seeds/demo.json")

    /// Runs a server for the duration of `body`, then stops it and removes its data.
    public static func run<T: Sendable>(
        seed: URL? = nil, heartbeat: Duration = .seconds(10), configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalogd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteCatalogStore(directory: directory)
        let (keyring, _) = try ServerKeyring.loadOrCreate(in: directory)
        var report: Seeder.Report?
        if let seed {
            report = try await Seeder(
                store: store, packages: try PackageStore(dataDirectory: directory), stages: ["compliance", "risk"]
            ).load(seed)
        }
        var configuration = ServerConfiguration(
            dataDirectory: directory, listen: ListenAddress(host: "127.0.0.1", port: 0))
        configure(&configuration)
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let hub = EventHub(heartbeat: heartbeat)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = try CatalogApplication.build(
            configuration: configuration, store: store, keyring: keyring, logger: logger, hub: hub
        ) { port in continuation.yield(port) }
        let frozen = report
        // Stopped gracefully (as catalogd stops on SIGTERM): cancelling a server with open event streams
        // would tear down NIO's writers mid-stream.
        let services = ServiceGroup(services: [application], logger: logger)
        let running = Task { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let server = TestServer(
            base: URL(string: "http://127.0.0.1:\(port)")!, port: port, store: store, hub: hub, keyring: keyring,
            directory: directory, seed: frozen)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(server))
        } catch {
            result = .failure(error)
        }
        await services.triggerGracefulShutdown()
        _ = await running.result
        return try result.get()
    }
}
