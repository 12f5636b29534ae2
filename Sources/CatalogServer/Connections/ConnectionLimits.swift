import Foundation

/// How many connections the server holds and how long a client may take, so slow or idle clients cannot
/// use up its descriptors and memory (slowloris).
public struct ConnectionLimits: Sendable, Hashable {
    /// The most connections held at once; beyond it the connection waiting longest for a request is closed.
    public var maximumConnections: Int
    /// The most connections that may wait for a request at once (each holds buffers but gives nothing back).
    public var maximumWaiting: Int
    /// How long a connection may wait for a complete request head (at first, and between requests).
    public var idleTimeout: Duration
    /// How long a request body may take to arrive, from its head to its end.
    public var bodyTimeout: Duration

    public init(
        maximumConnections: Int? = nil, maximumWaiting: Int = 4_096, idleTimeout: Duration = .seconds(15),
        bodyTimeout: Duration = .seconds(60)
    ) {
        self.maximumConnections = maximumConnections ?? Self.defaultMaximumConnections
        self.maximumWaiting = min(maximumWaiting, self.maximumConnections)
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
    }

    /// 16,000, or less when the process may open fewer descriptors: a thousand stay for the database,
    /// packages and logs.
    public static var defaultMaximumConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 16_000 }
        return max(64, min(16_000, Int(clamping: limit.rlim_cur) - 1_000))
    }
}
