import Foundation

/// Where `catalogd serve --database` keeps the platform's state: an embedded SQLite file (the default), or a
/// PostgreSQL database that several replicas share.
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresAddress)

    /// A PostgreSQL server and database, as `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` gives them.
    public struct PostgresAddress: Sendable, Hashable {
        public var user: String
        public var password: String?
        public var host: String
        public var port: Int
        public var database: String

        public init(user: String, password: String? = nil, host: String, port: Int = 5432, database: String) {
            self.user = user
            self.password = password
            self.host = host
            self.port = port
            self.database = database
        }
    }

    /// Why a `--database` value is refused.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// `sqlite:PATH` or `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (`postgresql://` too).
    public init(_ text: String) throws(Invalid) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw Invalid(description: "sqlite:PATH needs a file path") }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://"),
            let components = URLComponents(string: text), let host = components.host, !host.isEmpty
        else {
            throw Invalid(
                description:
                    "'\(Self.redacted(text))' is neither sqlite:PATH nor postgres://USER@HOST:PORT/DATABASE")
        }
        guard let user = components.user, !user.isEmpty else {
            throw Invalid(description: "the PostgreSQL URL names no user (postgres://USER@HOST:PORT/DATABASE)")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw Invalid(description: "the PostgreSQL URL names no database (postgres://USER@HOST:PORT/DATABASE)")
        }
        guard components.query == nil, components.fragment == nil else {
            throw Invalid(description: "the PostgreSQL URL takes no options after the database name")
        }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw Invalid(description: "port \(port) is not a TCP port") }
        self = .postgres(
            PostgresAddress(
                user: user.removingPercentEncoding ?? user,
                password: components.password.map { $0.removingPercentEncoding ?? $0 }, host: host, port: port,
                database: database.removingPercentEncoding ?? database))
    }

    /// The location with any password left out: what logs and messages show.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let address):
            return "postgres://\(address.user)@\(address.host):\(address.port)/\(address.database)"
        }
    }

    /// A URL as it may be shown: the password replaced.
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "…"
        return components.string ?? text
    }
}
