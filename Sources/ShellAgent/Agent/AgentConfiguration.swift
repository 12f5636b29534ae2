import Catalog
import Foundation

/// Who the shell is and where its catalog comes from.
public struct AgentConfiguration: Sendable {
    /// The catalogd base URL, such as `http://127.0.0.1:8080`.
    public var server: String
    public var hostId: String
    /// The host app's key: presented once, to enrol this installation as a device.
    public var hostKey: String
    /// The signed-in user.
    public var userId: String
    /// The signed-in user's assertion from the host's backend: who the user is and the properties the host
    /// vouches for (`region`, `tier`, `email`, …).
    public var userAssertion: UserAssertionSource
    /// What the shell states for itself in the catalog query (`beta`, …); catalogd takes only the properties
    /// the host declares client-supplied.
    public var properties: [String: String]
    /// The server keys to trust; empty means the keys pinned in the store earlier.
    public var trustedKeys: [VerificationKey]
    /// Reconnect delays grow from the first to the second bound, with jitter.
    public var reconnectDelay: (first: Duration, limit: Duration)
    /// After an event, the catalog is fetched again after a random delay between half this and this (recalls
    /// are carried out at once, from the signed event itself).
    public var refreshJitter: Duration

    public init(
        server: String, hostId: String, hostKey: String, userId: String, userAssertion: UserAssertionSource,
        properties: [String: String] = [:],
        trustedKeys: [VerificationKey] = [],
        reconnectDelay: (first: Duration, limit: Duration) = (.milliseconds(200), .seconds(30)),
        refreshJitter: Duration = .seconds(2)
    ) {
        self.refreshJitter = refreshJitter
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.hostId = hostId
        self.hostKey = hostKey
        self.userId = userId
        self.userAssertion = userAssertion
        self.properties = properties
        self.trustedKeys = trustedKeys
        self.reconnectDelay = reconnectDelay
    }
}
