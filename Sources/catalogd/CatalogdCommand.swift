import ArgumentParser
import Catalog
import CatalogPostgres
import CatalogServer
import Foundation
import Hummingbird
import Logging
import MiniSupport

/// `catalogd`: the management platform's server.
@main
struct CatalogdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogd",
        abstract: "The mini-program management platform: review, gray release, delisting, signed sync API.",
        discussion:
            "serve runs the platform on a data folder (SQLite database, packages, signing key); key show prints the key shells pin; account create makes an API token. See README.md and docs/PLATFORM.md.",
        version: CatalogServerVersion.current,
        subcommands: [Serve.self, Key.self, AccountCommand.self]
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server on a data folder (signing key, packages and, by default, the SQLite database).",
        discussion: "Stops gracefully on SIGINT or SIGTERM. Logs go to stderr."
    )

    @Option(help: ArgumentHelp("The data folder: keys/, packages/ and (by default) catalog.sqlite.", valueName: "DIR"))
    var data: String

    @Option(
        help: ArgumentHelp(
            "Where the platform's state lives: sqlite:PATH (default: DIR/catalog.sqlite) or postgres://USER[:PASSWORD]@HOST:PORT/DATABASE, which several replicas share (docs/SCALING.md).",
            valueName: "URL"))
    var database: String?

    @Option(help: ArgumentHelp("Address to listen on, HOST:PORT (port 0 picks a free one).", valueName: "HOST:PORT"))
    var listen: String = "127.0.0.1:8080"

    @Option(
        help: ArgumentHelp(
            "The review stages, in order, comma separated; reviewers have the role reviewer:STAGE.", valueName: "STAGES"
        ))
    var reviewStages: String = "compliance,risk"

    @Option(
        help: ArgumentHelp(
            "Load a demo data set before serving (idempotent; the whole file is checked before anything is written); prints the tokens and host keys it creates.",
            valueName: "FILE"))
    var seed: String?

    @Option(
        help: ArgumentHelp(
            "How long a signed catalog is valid, in seconds (10 to 86400; QA shortens it to test expiry).",
            valueName: "SECONDS"))
    var catalogLifetime: Int = 3600

    @Option(help: "How much to log on standard error: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(
        help: ArgumentHelp(
            "The most connections held at once (64 to 100000; default 16000, or fewer when the process may open fewer files); beyond it the connection that has waited longest for a request is closed.",
            valueName: "N"))
    var maxConnections: Int?

    @Option(
        help: ArgumentHelp(
            "How long a connection may wait for a complete request head, in seconds (1 to 3600).", valueName: "SECONDS")
    )
    var idleTimeout: Int = 15

    @Option(
        help: ArgumentHelp(
            "How long a request body may take to arrive, in seconds (1 to 3600).", valueName: "SECONDS"))
    var bodyTimeout: Int = 60

    @Option(
        help: ArgumentHelp(
            "A balancer in front of this server (an IP address; repeatable): for its requests the client's address is its X-Real-IP header (enrolment limits count per client address).",
            valueName: "ADDRESS"))
    var trustedProxy: [String] = []

    @Option(
        help: ArgumentHelp(
            "How many devices may enrol per host app: a burst, then a steady rate per second (default 1000/50).",
            valueName: "BURST/PER_SECOND"))
    var enrolHostRate: String = "1000/50"

    @Option(
        help: ArgumentHelp(
            "How many devices may enrol from one client address (default 100/2).", valueName: "BURST/PER_SECOND"))
    var enrolAddressRate: String = "100/2"

    private var stages: [String] {
        reviewStages.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// `BURST/PER_SECOND`, both positive and finite.
    static func rate(_ text: String, option: String) throws -> (burst: Double, perSecond: Double) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let burst = Double(parts[0]), let rate = Double(parts[1]),
            burst.isFinite, rate.isFinite, burst >= 1, rate > 0, burst <= 1e9, rate <= 1e9
        else {
            throw ValidationError("\(option): BURST/PER_SECOND, such as 100/2 (a burst of at least 1, a rate above 0)")
        }
        return (burst, rate)
    }

    func validate() throws {
        for address in trustedProxy where !IPAddressText.isValid(address) {
            throw ValidationError("--trusted-proxy: '\(address.prefix(60))' is not an IP address")
        }
        _ = try Self.rate(enrolHostRate, option: "--enrol-host-rate")
        _ = try Self.rate(enrolAddressRate, option: "--enrol-address-rate")
        guard (10...86_400).contains(catalogLifetime) else {
            throw ValidationError("--catalog-lifetime: 10 to 86400 seconds")
        }
        if let maxConnections, !(64...100_000).contains(maxConnections) {
            throw ValidationError("--max-connections: 64 to 100000")
        }
        guard (1...3_600).contains(idleTimeout) else { throw ValidationError("--idle-timeout: 1 to 3600 seconds") }
        guard (1...3_600).contains(bodyTimeout) else { throw ValidationError("--body-timeout: 1 to 3600 seconds") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level: one of trace, debug, info, notice, warning, error, critical")
        }
        do {
            _ = try ListenAddress(parsing: listen)
        } catch {
            throw ValidationError("--listen: \(error)")
        }
        guard !stages.isEmpty, Set(stages).count == stages.count, stages.allSatisfy({ Role("reviewer:\($0)") != nil })
        else {
            throw ValidationError(
                "--review-stages: one or more distinct stage names (lowercase letters, digits, '-'), such as compliance,risk"
            )
        }
    }

    func run() async throws {
        var logger = Logger(label: "catalogd")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let directory = URL(fileURLWithPath: data)
        // The whole seed is read and checked first: a bad one leaves the data folder as it was.
        var plan: SeedPlan?
        if let seed {
            do {
                plan = try Seeder.read(URL(fileURLWithPath: seed))
            } catch {
                FileHandle.standardError.write(Data("catalogd: error: cannot load the seed: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        let location: DatabaseLocation
        do {
            location =
                try database.map { try DatabaseLocation($0) }
                ?? .sqlite(path: directory.appendingPathComponent("catalog.sqlite").path)
        } catch {
            FileHandle.standardError.write(Data("catalogd: error: --database: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let store: any CatalogStore
        // With PostgreSQL: the shared database, which also holds the packages, the replicas' key, and the feed.
        var replicas: PostgresCatalogStore?
        switch location {
        case .sqlite(let path):
            do {
                store = try SQLiteCatalogStore(file: URL(fileURLWithPath: path))
            } catch {
                FileHandle.standardError.write(Data("catalogd: error: cannot open \(location): \(error)\n".utf8))
                throw ExitCode(1)
            }
        case .postgres(let address):
            // Never a fallback to SQLite: a replica that cannot reach the shared database does not serve.
            do {
                let shared = try await PostgresCatalogStore.connect(address, logger: logger)
                replicas = shared
                store = shared
            } catch {
                FileHandle.standardError.write(Data("catalogd: error: \(error)\n".utf8))
                throw ExitCode(1)
            }
            logger.info("using PostgreSQL", metadata: ["database": "\(location)"])
        }
        let keyring: ServerKeyring
        do {
            let (loaded, created) = try ServerKeyring.loadOrCreate(in: directory)
            keyring = loaded
            if created { logger.info("created the signing key", metadata: ["keyid": "\(loaded.signingKey.keyID)"]) }
        } catch {
            FileHandle.standardError.write(
                Data("catalogd: error: cannot open the data folder '\(data)': \(error)\n".utf8))
            throw ExitCode(1)
        }
        if let replicas {
            // Every replica signs with one key: a shell would refuse half of what it receives otherwise.
            let own = keyring.signingKey.keyID.rawValue
            let claim = try await replicas.claimSigningKey(own, retired: keyring.retiredKeyIds)
            switch claim {
            case .claimed, .same: break
            case .rolledForward(let from):
                logger.notice(
                    "the replicas' signing key is now this replica's; replicas still signing with the retired key stop",
                    metadata: ["keyid": "\(own)", "retired": "\(from)"])
            case .refused(let current):
                FileHandle.standardError.write(
                    Data(
                        "catalogd: error: \(SigningKeySuperseded(own: own, current: current)) (the replicas' key must be the same everywhere: see docs/SCALING.md)\n"
                            .utf8))
                throw ExitCode(1)
            }
        }
        // What a crash left behind: temporary files (on opening the folder) and packages no version names.
        let packages: PackageStore
        do {
            packages = try PackageStore(dataDirectory: directory, shared: replicas)
            let removed = packages.removePackages(notIn: try await store.packageDigests())
            if !removed.isEmpty {
                logger.notice("removed package files that no version names", metadata: ["count": "\(removed.count)"])
            }
            // An hour is far longer than any upload takes: what is older and unnamed was cut off.
            if let replicas,
                case let count = try await replicas.removeUnnamedPackages(olderThan: 3600, now: Date()), count > 0
            {
                logger.notice("removed stored packages that no version names", metadata: ["count": "\(count)"])
            }
        } catch {
            FileHandle.standardError.write(
                Data("catalogd: error: cannot open the packages in '\(data)': \(error)\n".utf8))
            throw ExitCode(1)
        }
        if let seed, let plan {
            /// The secrets not shown yet: shown even when a later write fails, and again until a run completes.
            func show(_ report: Seeder.Report, heading: String) {
                var lines = [heading]
                for account in report.accounts {
                    lines.append("  account \(account.id) (\(account.role)): \(account.token)")
                }
                for host in report.hostKeys { lines.append("  host key \(host.host): \(host.key)") }
                for host in report.userKeyFiles {
                    lines.append("  user-signing key \(host.host): \(host.file.path) (termshell --user-key FILE)")
                }
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            }
            do {
                let seeder = Seeder(store: store, packages: packages, stages: stages)
                let report = try await seeder.apply(plan)
                show(
                    report,
                    heading: "seeded \(seed): \(report.versions.count) version(s), \(report.releases.count) release(s)")
                try seeder.secretsShown()
            } catch {
                if let created = (error as? SeedError)?.created {
                    show(
                        created,
                        heading:
                            "created before the error (serve --seed again once it is fixed: it completes the seed and shows these again):"
                    )
                }
                FileHandle.standardError.write(Data("catalogd: error: cannot load the seed: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        var configuration = ServerConfiguration(
            dataDirectory: directory, listen: try ListenAddress(parsing: listen), reviewStages: stages)
        configuration.catalogLifetime = TimeInterval(catalogLifetime)
        configuration.trustedProxies = Set(trustedProxy)
        configuration.enrolment = EnrolmentRates(
            perHost: try Self.rate(enrolHostRate, option: "--enrol-host-rate"),
            perAddress: try Self.rate(enrolAddressRate, option: "--enrol-address-rate"))
        configuration.connections = ConnectionLimits(
            maximumConnections: maxConnections, idleTimeout: .seconds(idleTimeout), bodyTimeout: .seconds(bodyTimeout))
        let host = configuration.listen.host
        let application = try CatalogApplication.build(
            configuration: configuration, store: store, keyring: keyring, logger: logger, packages: packages,
            // Other replicas' commits reach this one's streams and caches through LISTEN.
            changeFeed: replicas.map { PostgresChangeFeed(address: $0.address, logger: logger) }
        ) { port in
            let line =
                "catalogd listening on http://\(ListenAddress(host: host, port: port)) (key id \(keyring.signingKey.keyID))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        try await application.runService()
    }
}

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account", abstract: "Manage accounts on the data folder directly (bootstrap).",
        subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account and print its API token (shown once, stored only as a hash).",
            discussion: """
                Roles: admin, ops, reviewer:STAGE (for example reviewer:compliance), developer:PARTNER, \
                hostops:ORG (runs the host apps of an organisation 'minictl org create' made).
                """)

        @Option(help: ArgumentHelp("The data folder.", valueName: "DIR"))
        var data: String

        @Option(help: ArgumentHelp("The account id (lowercase letters, digits, '-', '.').", valueName: "ID"))
        var id: String

        @Option(help: ArgumentHelp("The person's or robot's name.", valueName: "NAME"))
        var name: String

        @Option(
            help: ArgumentHelp("admin, ops, reviewer:STAGE, developer:PARTNER or hostops:ORG.", valueName: "ROLE"))
        var role: String

        func validate() throws {
            guard Role(role) != nil else {
                throw ValidationError(
                    "unknown role '\(role)' (roles: admin, ops, reviewer:STAGE, developer:PARTNER, hostops:ORG)")
            }
            guard (2...64).contains(id.count),
                id.utf8.allSatisfy({
                    ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E
                })
            else {
                throw ValidationError("an account id is 2 to 64 lowercase letters, digits, '-' and '.'")
            }
        }

        func run() async throws {
            let store: SQLiteCatalogStore
            do {
                store = try SQLiteCatalogStore(directory: URL(fileURLWithPath: data))
            } catch {
                FileHandle.standardError.write(Data("catalogd: error: cannot open '\(data)': \(error)\n".utf8))
                throw ExitCode(1)
            }
            if let organisation = Role(role)?.hostOrganisation,
                try await !store.organisations().contains(where: { $0.id == organisation })
            {
                FileHandle.standardError.write(
                    Data(
                        "catalogd: error: no organisation '\(organisation)' (minictl org create \(organisation) makes it)\n"
                            .utf8))
                throw ExitCode(1)
            }
            let token = APIToken.generate()
            do {
                try await store.createAccount(
                    Account(id: id, name: name, role: Role(role)!), tokenHash: APIToken.hash(token), at: Date())
                try await store.appendAudit(
                    AuditEntry(at: Date(), actor: "catalogd", action: "account.create", target: id, reason: role))
            } catch {
                FileHandle.standardError.write(
                    Data("catalogd: error: cannot create account '\(id)' (does it exist already?): \(error)\n".utf8))
                throw ExitCode(1)
            }
            print("account: \(id) (\(role))")
            print("token:   \(token)")
        }
    }
}
