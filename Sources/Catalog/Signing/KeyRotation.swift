import Foundation
import MiniSupport

/// A statement that the catalog signing key was replaced, signed by the old key and the new one: a shell that
/// pins the old key takes the new one on its word, in the manner of TUF's root rotation (one key per role, and
/// both must sign). Statements are numbered from 1 and never expire: a shell offline for months follows the
/// whole chain.
public struct KeyRotation: SignedPayload, Hashable {
    public static let payloadType = "\(WireFormat.mediaTypePrefix).key-rotation+json; version=\(WireFormat.version)"
    /// Rotations are the server's, not a host's: the host binding every payload carries is this.
    public static let scope = "*"

    public var format: Int
    /// 1 for a server's first rotation, one more for each after it.
    public var sequence: UInt64
    /// The retired key and its successor, Ed25519 public keys in base64.
    public var previousKey: String
    public var newKey: String
    public var issuedAt: Date

    public init(sequence: UInt64, previousKey: VerificationKey, newKey: VerificationKey, issuedAt: Date) {
        format = WireFormat.version
        self.sequence = sequence
        self.previousKey = previousKey.base64
        self.newKey = newKey.base64
        self.issuedAt = issuedAt
    }

    public var header: PayloadHeader {
        PayloadHeader(hostId: Self.scope, userId: nil, version: sequence, issuedAt: issuedAt, expiresAt: .distantFuture)
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(["format", "sequence", "previousKey", "newKey", "issuedAt"])
        format = try json.knownWireFormat()
        let sequenceCursor = try json.require("sequence")
        sequence = try sequenceCursor.wireCount()
        guard sequence >= 1 else { throw sequenceCursor.error("rotations are numbered from 1") }
        previousKey = try Self.key(try json.require("previousKey"))
        let newCursor = try json.require("newKey")
        newKey = try Self.key(newCursor)
        guard newKey != previousKey else { throw newCursor.error("a key cannot succeed itself") }
        issuedAt = try json.require("issuedAt").wireDate()
    }

    private static func key(_ cursor: JSONCursor) throws(JSONPathError) -> String {
        let text = try cursor.string()
        guard (try? VerificationKey(base64: text)) != nil else { throw cursor.error("not a base64 Ed25519 public key") }
        return text
    }

    /// The statement as compact JSON with sorted keys (the payload both keys sign).
    public var wireJSON: Data {
        Data(
            JSONValue.object([
                "format": .number(Double(format)), "sequence": .number(Double(sequence)),
                "previousKey": .string(previousKey), "newKey": .string(newKey),
                "issuedAt": .string(Timestamp.format(issuedAt)),
            ]).serialized().utf8)
    }

    /// The statement that `next` succeeds `previous`, signed by both.
    public static func signed(sequence: UInt64, from previous: SigningKey, to next: SigningKey, at date: Date)
        -> SignedEnvelope
    {
        let statement = KeyRotation(
            sequence: sequence, previousKey: previous.verificationKey, newKey: next.verificationKey, issuedAt: date)
        return SignedEnvelope.sign(payload: statement.wireJSON, payloadType: payloadType, with: [previous, next])
    }
}

/// Follows key rotation statements from the keys a shell pins.
public enum KeyRotationChain {
    /// Where following the statements led.
    public struct Outcome: Sendable, Hashable {
        /// The keys to trust now.
        public var keys: [VerificationKey]
        /// The keys the statements retired (their signatures are refused from now on).
        public var retired: [VerificationKey]
        /// Statements about a trusted key that did not verify, by sequence, with the verifier's code.
        public var refused: [(sequence: UInt64, code: String)]

        public static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            lhs.keys == rhs.keys && lhs.retired == rhs.retired
                && lhs.refused.map(\.sequence) == rhs.refused.map(\.sequence)
                && lhs.refused.map(\.code) == rhs.refused.map(\.code)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(keys)
            hasher.combine(retired)
        }
    }

    /// The statements of a `GET /v1/keys/rotations` answer (`{"rotations": [envelope, …]}`); unreadable items are
    /// left out (they could not verify anyway).
    public static func statements(json data: Data) throws(JSONPathError) -> [SignedEnvelope] {
        let items = try JSONCursor(try JSONValue.parse(data)).require("rotations").array()
        return items.suffix(maximumStatements).compactMap { try? SignedEnvelope(json: $0) }
    }

    /// At most this many statements are looked at: the newest (a shell pins a recent key far more often than
    /// one retired a thousand rotations ago).
    public static let maximumStatements = 1_024

    /// Takes the statements in sequence order. One whose previous key is trusted now, signed by both that key and
    /// its new key, replaces the previous key with the new one; statements about other keys are passed over
    /// (they came before the pinned key), and one that does not verify changes nothing. A key retired before
    /// (`alreadyRetired`, or earlier in the chain) is never trusted again.
    public static func follow(
        from pinned: [VerificationKey], alreadyRetired: [VerificationKey] = [], statements: [SignedEnvelope],
        clock: any CatalogClock
    ) -> Outcome {
        var keys = pinned
        var retired: [VerificationKey] = []
        var refused: [(sequence: UInt64, code: String)] = []
        var last: UInt64?
        let readable = statements.compactMap { envelope -> (KeyRotation, SignedEnvelope)? in
            guard envelope.payloadType == KeyRotation.payloadType,
                let statement = try? KeyRotation(wire: envelope.payload)
            else { return nil }
            return (statement, envelope)
        }
        for (statement, envelope) in readable.sorted(by: { $0.0.sequence < $1.0.sequence }).suffix(maximumStatements) {
            guard let previous = try? VerificationKey(base64: statement.previousKey),
                let next = try? VerificationKey(base64: statement.newKey),
                let index = keys.firstIndex(of: previous)
            else { continue }
            // A key once retired never comes back, whoever signs for it (it may be the compromised one).
            guard !retired.contains(next), !alreadyRetired.contains(next) else {
                refused.append((statement.sequence, "retired-key"))
                continue
            }
            do {
                _ = try EnvelopeVerifier(
                    policy: VerificationPolicy(
                        trustedKeys: [previous, next], threshold: 2, hostId: KeyRotation.scope, userId: nil,
                        lastAcceptedVersion: last),
                    clock: clock
                ).verify(envelope, as: KeyRotation.self)
            } catch {
                refused.append((statement.sequence, error.code))
                continue
            }
            keys.remove(at: index)
            if !keys.contains(next) { keys.append(next) }
            retired.append(previous)
            last = statement.sequence
        }
        return Outcome(keys: keys, retired: retired, refused: refused)
    }
}
