import Catalog
import CatalogServer
import Foundation
import Logging
import PostgresNIO

/// The store several catalogd replicas share: one PostgreSQL database, reached through postgres-nio's pooled
/// client, with no ORM. The same contract as ``SQLiteCatalogStore`` (one test suite runs against both); per host,
/// catalog versions and event sequences are allocated under a transaction-scoped advisory lock, so replicas
/// writing at once never leave a gap or a duplicate.
public final class PostgresCatalogStore: CatalogStore, Sendable {
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>
    /// The channel every commit that other replicas must know of notifies (see ``StoreChange``).
    public static let changeChannel = "catalogd_changes"
    /// Where it is, without the password.
    public let address: DatabaseLocation.PostgresAddress

    /// Why the database cannot be used.
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Connects (failing at once, with a clear message, when the server cannot be reached or refuses the
    /// credentials), then brings the schema up to date: one replica migrates while the others wait.
    public static func connect(
        _ address: DatabaseLocation.PostgresAddress, logger: Logger = Logger(label: "catalogd.postgres")
    ) async throws -> PostgresCatalogStore {
        let configuration = PostgresClient.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: .disable)
        // One connection first: a wrong URL fails here instead of leaving the pool retrying for ever.
        do {
            let probe = try await PostgresConnection.connect(
                configuration: address.connectionConfiguration, id: 0, logger: logger)
            try await probe.close()
        } catch {
            throw Unavailable(
                description: "cannot reach PostgreSQL at \(DatabaseLocation.postgres(address)): \(Self.describe(error))"
            )
        }
        let store = PostgresCatalogStore(
            client: PostgresClient(configuration: configuration, backgroundLogger: logger),
            address: address, logger: logger)
        do {
            try await store.migrate()
        } catch {
            store.close()
            throw Unavailable(
                description: "cannot migrate \(DatabaseLocation.postgres(address)): \(Self.describe(error))")
        }
        return store
    }

    private init(client: PostgresClient, address: DatabaseLocation.PostgresAddress, logger: Logger) {
        self.client = client
        self.address = address
        self.logger = logger
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// Closes the pool's connections.
    public func close() { runner.cancel() }

    public func ping() async throws {
        try await client.query("SELECT 1", logger: logger).collect()
    }

    /// A database error as one line (postgres-nio's own descriptions leave the server's message out).
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)"
        }
        return "\(error)"
    }

    // MARK: Queries

    /// How long a query or transaction may take, waiting for a connection and for other writers of the same host
    /// included, before the database counts as unavailable (a lost server fails at once, not after this).
    static let deadline: Duration = .seconds(30)

    /// Every row of a query, read by column name.
    func rows(_ query: PostgresQuery) async throws -> [Record] {
        try await available { [client, logger] in
            try await client.query(query, logger: logger).collect().map(Record.init)
        }
    }

    /// The first row of a query, if any.
    func row(_ query: PostgresQuery) async throws -> Record? { try await rows(query).first }

    /// Runs a query for its effect.
    func run(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        try await available { [client, logger] in
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await body(Transaction(connection: connection, logger: logger))
                }
            } catch let error as PostgresTransactionError {
                // The caller's own error (a listing changed meanwhile, a version not approved) is what it throws.
                if let thrown = error.closureError { throw thrown }
                throw error.beginError ?? error.commitError ?? error
            }
        }
    }

    /// Runs database work with a deadline; a lost connection, a server going down or no answer in time is
    /// ``DatabaseUnavailable`` (503 to the client), and the pool reconnects by itself afterwards.
    func available<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await work() }
                group.addTask {
                    try await Task.sleep(for: Self.deadline)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let result = first else {
                    throw DatabaseUnavailable("PostgreSQL did not answer within \(Self.deadline)")
                }
                return result
            }
        } catch let error as PSQLError where Self.isUnavailable(error) {
            throw DatabaseUnavailable("PostgreSQL is unavailable: \(Self.describe(error))")
        }
    }

    /// Connection trouble and a server shutting down or starting (SQLSTATE classes 08 and 57), not a bad query.
    static func isUnavailable(_ error: PSQLError) -> Bool {
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection, .poolClosed:
            return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57")
        default:
            return false
        }
    }

    /// A connection inside a transaction.
    struct Transaction {
        let connection: PostgresConnection
        let logger: Logger

        func rows(_ query: PostgresQuery) async throws -> [Record] {
            try await connection.query(query, logger: logger).collect().map(Record.init)
        }

        func row(_ query: PostgresQuery) async throws -> Record? { try await rows(query).first }

        func run(_ query: PostgresQuery) async throws {
            try await connection.query(query, logger: logger).collect()
        }

        /// Serialises the transactions that take the same lock until they end (two replicas allocating a host's
        /// next sequence, two migrations).
        func lock(_ name: String) async throws {
            try await run("SELECT pg_advisory_xact_lock(hashtextextended(\(name), 0))")
        }

        /// Tells every replica of a change when, and only if, this transaction commits.
        func notify(_ change: StoreChange) async throws {
            try await run("SELECT pg_notify(\(PostgresCatalogStore.changeChannel), \(change.payload))")
        }

        func audit(_ entry: AuditEntry?) async throws {
            guard let entry else { return }  // a change no operator made (the seed's, a test's): nothing to record
            try await run(
                """
                INSERT INTO audit_log (at, actor, action, target, reason, organisation)
                VALUES (\(entry.at.timeIntervalSince1970), \(entry.actor), \(entry.action), \(entry.target),
                  \(entry.reason), \(entry.organisation))
                """)
        }
    }

    /// A row, read by column name.
    struct Record: Sendable {
        let row: PostgresRandomAccessRow

        init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

        func get<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
            try row[column].decode(T.self)
        }

        func date(_ column: String) throws -> Date { Date(timeIntervalSince1970: try get(column, as: Double.self)) }

        func optionalDate(_ column: String) throws -> Date? {
            try get(column, as: Double?.self).map { Date(timeIntervalSince1970: $0) }
        }
    }
}

extension DatabaseLocation.PostgresAddress {
    /// One connection outside the pool (the probe at start, the change feed's LISTEN), without TLS: replicas
    /// reach their database on a private network.
    var connectionConfiguration: PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
    }
}
