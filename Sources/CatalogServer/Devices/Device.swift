import Catalog
import Foundation

/// An enrolled shell installation: its host, its public key (which signs its acknowledgements) and whether
/// operations revoked it. Its bearer token is stored only as a hash, beside it.
public struct Device: Sendable, Hashable {
    public var id: String
    public var hostId: String
    public var publicKey: VerificationKey
    public var enrolledAt: Date
    /// The last catalog request, event stream or acknowledgement (recorded at most once a minute).
    public var lastSeen: Date
    public var revokedAt: Date?
    public var revokeReason: String?

    public init(
        id: String, hostId: String, publicKey: VerificationKey, enrolledAt: Date, lastSeen: Date,
        revokedAt: Date? = nil, revokeReason: String? = nil
    ) {
        self.id = id
        self.hostId = hostId
        self.publicKey = publicKey
        self.enrolledAt = enrolledAt
        self.lastSeen = lastSeen
        self.revokedAt = revokedAt
        self.revokeReason = revokeReason
    }

    public var isRevoked: Bool { revokedAt != nil }

    /// A new device id: `d-` and 24 hexadecimal digits.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "d-"
            + (0..<12).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// What enrolment gives back.
public enum EnrolmentResult: Sendable, Hashable {
    /// A new device, or a known key (a shell that lost its token) given a new token.
    case enrolled(Device)
    /// The key belongs to a revoked device: it stays revoked.
    case revoked(Device)
}
