import Foundation
import MiniSupport

/// A payload that travels inside a ``SignedEnvelope`` and carries the facts the verifier checks.
public protocol SignedPayload: Codable, Sendable {
    /// The envelope payload type, such as `application/vnd.minicatalog.snapshot+json; version=1`.
    static var payloadType: String { get }
    /// The wire format version the payload was written in (``WireFormat/version``).
    var format: Int { get }
    /// Host and user binding, version, issue and expiry time.
    var header: PayloadHeader { get }
    /// Reads the payload from its parsed JSON (see `WireReading.swift`).
    init(json: JSONCursor) throws(JSONPathError)
}

/// What binds a payload to a host, a user and a point in time.
public struct PayloadHeader: Sendable, Hashable {
    /// The host app the payload is for.
    public var hostId: String
    /// The user the payload is for; nil when it applies to every user of the host (events).
    public var userId: String?
    /// Monotonic per host: catalog version or event sequence.
    public var version: UInt64
    public var issuedAt: Date
    public var expiresAt: Date

    public init(hostId: String, userId: String?, version: UInt64, issuedAt: Date, expiresAt: Date) {
        self.hostId = hostId
        self.userId = userId
        self.version = version
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}
