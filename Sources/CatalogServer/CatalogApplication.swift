import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import MiniSupport
import NIOCore
import ServiceLifecycle

/// What `catalogd serve` needs to run.
public struct ServerConfiguration: Sendable {
    public var dataDirectory: URL
    public var listen: ListenAddress
    /// The review stages every version passes, in order; each has its reviewer role (`reviewer:STAGE`).
    public var reviewStages: [String]
    /// How long a signed catalog is valid; shells refuse to launch after it (plus their host's grace).
    public var catalogLifetime: TimeInterval = 3600
    /// How many connections the server holds, and how long clients may take.
    public var connections = ConnectionLimits()
    /// How fast devices may enrol.
    public var enrolment = EnrolmentRates()
    /// The balancers in front of this server (IP addresses): for their requests, the client's address is the
    /// one they name in `X-Real-IP`, not theirs.
    public var trustedProxies: Set<String> = []

    public init(
        dataDirectory: URL, listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8080),
        reviewStages: [String] = ["compliance", "risk"]
    ) {
        self.dataDirectory = dataDirectory
        self.listen = listen
        self.reviewStages = reviewStages
    }
}

/// Builds the management platform's HTTP application.
public enum CatalogApplication {
    /// The HTTP application over a store and a keyring. `onServerRunning` receives the bound port (useful
    /// with port 0, which asks the system for a free one).
    public static func build(
        configuration: ServerConfiguration, store: any CatalogStore, keyring: ServerKeyring, logger: Logger,
        clock: any CatalogClock = SystemClock(), hub: EventHub = EventHub(), packages: PackageStore? = nil,
        changeFeed: (any StoreChangeFeed)? = nil, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        // One cache and one signer for the routes and the follower of other replicas' commits.
        let cache = CatalogCache()
        let signer = EventSigner(keyring: keyring, lifetime: configuration.catalogLifetime)
        let router = try makeRouter(
            configuration: configuration, store: store, keyring: keyring, clock: clock, hub: hub, packages: packages,
            cache: cache, signer: signer)
        var services: [any Service] = [hub]
        if let changeFeed {
            services.append(
                ReplicaFollower(
                    feed: changeFeed, store: store, hub: hub, cache: cache, signer: signer,
                    logger: Logger(label: "catalogd.replica")))
        }
        let connections = ConnectionRegistry(limits: configuration.connections)
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionGuardHandler(registry: connections)],
            idleTimeout: TimeAmount(connections.limits.idleTimeout),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 16 * 1024, maxHeaderFieldCount: 100))
        return Application(
            router: router,
            server: .http1(configuration: http),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "catalogd",
                backlog: 4_096, availableConnectionsDelegate: connections.acceptingDelegate),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Every route of the platform, for the application and for tests that compare it with the OpenAPI document.
    public static func makeRouter(
        configuration: ServerConfiguration, store: any CatalogStore, keyring: ServerKeyring,
        clock: any CatalogClock = SystemClock(), hub: EventHub = EventHub(), packages: PackageStore? = nil
    ) throws -> Router<CatalogRequestContext> {
        try makeRouter(
            configuration: configuration, store: store, keyring: keyring, clock: clock, hub: hub, packages: packages,
            cache: CatalogCache(), signer: EventSigner(keyring: keyring, lifetime: configuration.catalogLifetime))
    }

    static func makeRouter(
        configuration: ServerConfiguration, store: any CatalogStore, keyring: ServerKeyring, clock: any CatalogClock,
        hub: EventHub, packages: PackageStore?, cache: CatalogCache, signer: EventSigner
    ) throws -> Router<CatalogRequestContext> {
        // The caller's, when it opened (and cleaned) the packages folder already.
        let packages = try packages ?? PackageStore(dataDirectory: configuration.dataDirectory)
        let router = Router(context: CatalogRequestContext.self)
        let openAPI = OpenAPIDocument.document
        router.get("openapi.json") { _, _ -> Response in JSONResponse.make(openAPI) }
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.get("healthz") { _, _ -> Response in
            do {
                try await store.ping()
            } catch {
                throw DatabaseUnavailable("the database does not answer: \(error)")
            }
            return JSONResponse.make(
                .object([
                    "status": .string("ok"), "version": .string(CatalogServerVersion.current),
                    "keyid": .string(keyring.signingKey.keyID.rawValue), "format": .number(Double(WireFormat.version)),
                    "publicKey": .string(keyring.signingKey.verificationKey.base64),
                ]))
        }
        // Public like the key itself: a shell that pins a retired key follows these to the current one.
        let rotations = keyring.rotationsJSON  // fixed while the process runs: a rotation needs a restart
        router.get("v1/keys/rotations") { _, _ -> Response in
            JSONResponse.make(rotations)
        }
        let api = router.group("v1").add(middleware: AuthenticationMiddleware(store: store, cache: cache, clock: clock))
        let changes = ListingChanges(store: store, clock: clock, hub: hub, cache: cache, signer: signer)
        HostRoutes(store: store, clock: clock, changes: changes).add(to: api)
        OrganisationRoutes(store: store, clock: clock).add(to: api)
        OfferRoutes(store: store, clock: clock, changes: changes).add(to: api)
        SegmentRoutes(store: store, clock: clock).add(to: api)
        AppRoutes(store: store, packages: packages, clock: clock).add(to: api)
        ReviewRoutes(store: store, stages: configuration.reviewStages, clock: clock).add(to: api)
        ReleaseRoutes(store: store, changes: changes).add(to: api)
        SyncRoutes(
            store: store, keyring: keyring, clock: clock, catalogLifetime: configuration.catalogLifetime, cache: cache
        ).add(
            to: api)
        StatusRoutes(store: store, clock: clock, activeWindow: 3600).add(to: api)
        ReportRoutes(store: store, clock: clock, limits: ReportLimits()).add(to: api)
        DeviceRoutes(
            store: store, cache: cache, clock: clock, limits: EnrolmentLimits(configuration.enrolment),
            trustedProxies: configuration.trustedProxies
        ).add(
            to: api)
        ShellRoutes(store: store, packages: packages, hub: hub, cache: cache, clock: clock, signer: signer).add(to: api)
        return router
    }
}
