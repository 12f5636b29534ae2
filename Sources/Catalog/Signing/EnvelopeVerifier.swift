import Foundation
import MiniSupport

/// What a shell expects of the next envelope: whom to trust, for whom it must be, and what it last accepted.
public struct VerificationPolicy: Sendable {
    /// The pinned keys.
    public var trustedKeys: [VerificationKey]
    /// How many distinct trusted keys must have signed (1 by default).
    public var threshold: Int
    /// The host this shell is.
    public var hostId: String
    /// The signed-in user. A payload bound to a user must be bound to this one; a payload with no user
    /// binding (host-wide events) is accepted for any user.
    public var userId: String?
    /// The last version accepted for this (host, user) and payload kind; lower versions are rollbacks.
    public var lastAcceptedVersion: UInt64?
    /// When the last accepted payload was issued. The same version issued earlier is a replay of an older
    /// signing (a catalog can change for a user without its version changing: a date passes, a gray split).
    public var lastAcceptedIssuedAt: Date?
    /// How far in the future `issuedAt` may be before the payload is refused (clocks drift).
    public var maximumClockSkew: TimeInterval
    /// How long after `expiresAt` the payload is still accepted.
    public var expiryGrace: TimeInterval

    public init(
        trustedKeys: [VerificationKey], threshold: Int = 1, hostId: String, userId: String?,
        lastAcceptedVersion: UInt64? = nil, lastAcceptedIssuedAt: Date? = nil, maximumClockSkew: TimeInterval = 300,
        expiryGrace: TimeInterval = 0
    ) {
        self.lastAcceptedIssuedAt = lastAcceptedIssuedAt
        self.trustedKeys = trustedKeys
        self.threshold = threshold
        self.hostId = hostId
        self.userId = userId
        self.lastAcceptedVersion = lastAcceptedVersion
        self.maximumClockSkew = maximumClockSkew
        self.expiryGrace = expiryGrace
    }
}

/// Verifies envelopes against a ``VerificationPolicy`` with an injected clock.
///
/// Checks, in order, each failing with its own ``EnvelopeVerificationError``: size and signature count,
/// payload type, a signature by a trusted key (unknown key), its validity (bad signature), the payload's
/// shape, host binding, user binding (mix-and-match), version (rollback), issue time (future), expiry (freeze).
/// The payload is decoded only after its signature verifies.
public struct EnvelopeVerifier: Sendable {
    public var policy: VerificationPolicy
    public let clock: any CatalogClock

    public init(policy: VerificationPolicy, clock: any CatalogClock = SystemClock()) {
        self.policy = policy
        self.clock = clock
    }

    /// Verifies `envelope` and returns its decoded payload.
    public func verify<P: SignedPayload>(_ envelope: SignedEnvelope, as type: P.Type) throws(EnvelopeVerificationError)
        -> P
    {
        guard envelope.payload.count <= SignedEnvelope.maximumPayloadSize else {
            throw .malformedPayload(
                "the payload is \(envelope.payload.count) bytes, more than the limit of \(SignedEnvelope.maximumPayloadSize)"
            )
        }
        guard !envelope.signatures.isEmpty else { throw .unsigned }
        guard envelope.signatures.count <= SignedEnvelope.maximumSignatures else {
            throw .malformedPayload(
                "the envelope carries \(envelope.signatures.count) signatures, more than \(SignedEnvelope.maximumSignatures)"
            )
        }
        guard envelope.payloadType == P.payloadType else {
            throw .payloadTypeMismatch(expected: P.payloadType, found: envelope.payloadType)
        }
        try verifySignatures(envelope)
        let payload: P
        do {
            payload = try P(wire: envelope.payload)
        } catch {
            throw .malformedPayload(error.description)
        }
        guard payload.format == WireFormat.version else {
            throw .malformedPayload(
                "wire format \(payload.format) is not supported (this build reads format \(WireFormat.version)); update the shell"
            )
        }
        let header = payload.header
        guard header.hostId == policy.hostId else {
            throw .hostMismatch(expected: policy.hostId, found: header.hostId)
        }
        if let boundUser = header.userId, boundUser != policy.userId {
            throw .userMismatch(expected: policy.userId, found: boundUser)
        }
        if let last = policy.lastAcceptedVersion, header.version < last {
            throw .rollback(lastAccepted: last, found: header.version)
        }
        if let last = policy.lastAcceptedVersion, header.version == last, let issued = policy.lastAcceptedIssuedAt,
            header.issuedAt < issued
        {
            throw .replay(version: last, issuedAt: header.issuedAt, lastIssuedAt: issued)
        }
        let now = clock.now()
        if header.issuedAt.timeIntervalSince(now) > policy.maximumClockSkew {
            throw .issuedInFuture(issuedAt: header.issuedAt, now: now, skew: policy.maximumClockSkew)
        }
        if now.timeIntervalSince(header.expiresAt) > policy.expiryGrace {
            throw .expired(expiresAt: header.expiresAt, now: now)
        }
        return payload
    }

    private func verifySignatures(_ envelope: SignedEnvelope) throws(EnvelopeVerificationError) {
        let message = SignedEnvelope.preAuthenticationEncoding(
            payloadType: envelope.payloadType, payload: envelope.payload)
        var trustedSeen = false
        var validKeys = Set<KeyID>()
        for signature in envelope.signatures {
            guard let key = policy.trustedKeys.first(where: { $0.keyID == signature.keyid }) else { continue }
            trustedSeen = true
            if key.isValidSignature(signature.sig, for: message) { validKeys.insert(key.keyID) }
        }
        guard trustedSeen else { throw .unknownKey(envelope.signatures.map(\.keyid)) }
        guard validKeys.count >= max(1, policy.threshold) else {
            if validKeys.isEmpty { throw .badSignature }
            throw .belowThreshold(valid: validKeys.count, required: policy.threshold)
        }
    }
}

/// Why an envelope was refused. Each case has a stable ``code`` for logs, acknowledgements and tests.
public struct EnvelopeVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case unsigned
        case unknownKey([KeyID])
        case badSignature
        case belowThreshold(valid: Int, required: Int)
        case payloadTypeMismatch(expected: String, found: String)
        case malformedPayload(String)
        case hostMismatch(expected: String, found: String)
        case userMismatch(expected: String?, found: String)
        case rollback(lastAccepted: UInt64, found: UInt64)
        case replay(version: UInt64, issuedAt: Date, lastIssuedAt: Date)
        case issuedInFuture(issuedAt: Date, now: Date, skew: TimeInterval)
        case expired(expiresAt: Date, now: Date)
    }

    private let kind: Kind

    static let unsigned = Self(kind: .unsigned)
    static let badSignature = Self(kind: .badSignature)
    static func unknownKey(_ ids: [KeyID]) -> Self { Self(kind: .unknownKey(ids)) }
    static func belowThreshold(valid: Int, required: Int) -> Self {
        Self(kind: .belowThreshold(valid: valid, required: required))
    }
    static func payloadTypeMismatch(expected: String, found: String) -> Self {
        Self(kind: .payloadTypeMismatch(expected: expected, found: found))
    }
    static func malformedPayload(_ detail: String) -> Self { Self(kind: .malformedPayload(detail)) }
    static func hostMismatch(expected: String, found: String) -> Self {
        Self(kind: .hostMismatch(expected: expected, found: found))
    }
    static func userMismatch(expected: String?, found: String) -> Self {
        Self(kind: .userMismatch(expected: expected, found: found))
    }
    static func rollback(lastAccepted: UInt64, found: UInt64) -> Self {
        Self(kind: .rollback(lastAccepted: lastAccepted, found: found))
    }
    static func replay(version: UInt64, issuedAt: Date, lastIssuedAt: Date) -> Self {
        Self(kind: .replay(version: version, issuedAt: issuedAt, lastIssuedAt: lastIssuedAt))
    }
    static func issuedInFuture(issuedAt: Date, now: Date, skew: TimeInterval) -> Self {
        Self(kind: .issuedInFuture(issuedAt: issuedAt, now: now, skew: skew))
    }
    static func expired(expiresAt: Date, now: Date) -> Self { Self(kind: .expired(expiresAt: expiresAt, now: now)) }

    /// A stable code: `unsigned`, `unknown-key`, `bad-signature`, `below-threshold`, `payload-type-mismatch`,
    /// `malformed-payload`, `host-mismatch`, `user-mismatch`, `rollback`, `issued-in-future`, `expired`.
    public var code: String {
        switch kind {
        case .unsigned: return "unsigned"
        case .unknownKey: return "unknown-key"
        case .badSignature: return "bad-signature"
        case .belowThreshold: return "below-threshold"
        case .payloadTypeMismatch: return "payload-type-mismatch"
        case .malformedPayload: return "malformed-payload"
        case .hostMismatch: return "host-mismatch"
        case .userMismatch: return "user-mismatch"
        case .rollback, .replay: return "rollback"
        case .issuedInFuture: return "issued-in-future"
        case .expired: return "expired"
        }
    }

    public var description: String {
        switch kind {
        case .unsigned: return "the envelope has no signatures"
        case .unknownKey(let ids):
            return "no signature is by a pinned key (signed by \(ids.map(\.rawValue).joined(separator: ", "))); "
                + "re-pin the server's key only if the operators rotated it"
        case .badSignature: return "the signature by the pinned key does not verify: the payload was altered or forged"
        case .belowThreshold(let valid, let required):
            return "\(valid) valid signature(s) by pinned keys, \(required) required"
        case .payloadTypeMismatch(let expected, let found):
            return "payload type is '\(found)', expected '\(expected)'"
        case .malformedPayload(let detail): return "the signed payload is malformed: \(detail)"
        case .hostMismatch(let expected, let found):
            return "the payload is for host '\(found)', this shell is host '\(expected)' (mix-and-match)"
        case .userMismatch(let expected, let found):
            return "the payload is for user '\(found)', the signed-in user is '\(expected ?? "(none)")' (mix-and-match)"
        case .rollback(let last, let found):
            return "version \(found) is lower than version \(last) already accepted (rollback or replay)"
        case .replay(let version, let issuedAt, let lastIssuedAt):
            return
                "version \(version) issued at \(Timestamp.format(issuedAt)) is older than the copy of version \(version) already accepted (issued \(Timestamp.format(lastIssuedAt))): a replay"
        case .issuedInFuture(let issuedAt, let now, let skew):
            return
                "issued at \(Timestamp.format(issuedAt)), more than \(Int(skew)) s after now (\(Timestamp.format(now))); check the clocks"
        case .expired(let expiresAt, let now):
            return
                "expired at \(Timestamp.format(expiresAt)) (now \(Timestamp.format(now))); a fresh catalog is needed (freeze)"
        }
    }
}
