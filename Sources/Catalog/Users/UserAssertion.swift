import Foundation
import MiniSupport

/// What a host app's backend vouches for about its signed-in user: the user id and the audience properties
/// (tier, region, staff e-mail, …), short-lived and signed with the host's user-signing key. The catalog is
/// resolved for the user and properties an assertion carries, never for what a caller merely claims.
///
/// It travels in the project's own signed envelope (DSSE, Ed25519), like every other signed payload: one
/// signature format, one verifier, one fuzzed reader, and no algorithm field an attacker could choose.
public struct UserAssertion: SignedPayload, Hashable {
    public static let payloadType =
        "\(WireFormat.mediaTypePrefix).user-assertion+json; version=\(WireFormat.version)"
    /// The longest an assertion may be valid (`expiresAt - issuedAt`): a stolen one is soon worthless.
    public static let maximumLifetime: TimeInterval = 3600
    /// At most this many properties, of at most 64-character names and 256-character values.
    public static let maximumProperties = 32

    public var format: Int
    public var hostId: String
    public var userId: String
    /// The audience properties the host vouches for.
    public var properties: [String: String]
    /// The enrolled device the assertion is for; when present, only that device may present it.
    public var deviceId: String?
    public var issuedAt: Date
    public var expiresAt: Date

    public init(
        hostId: String, userId: String, properties: [String: String] = [:], deviceId: String? = nil, issuedAt: Date,
        expiresAt: Date
    ) {
        format = WireFormat.version
        self.hostId = hostId
        self.userId = userId
        self.properties = properties
        self.deviceId = deviceId
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    /// Bound to the host; the user is what it asserts, so it carries no user binding of its own.
    public var header: PayloadHeader {
        PayloadHeader(hostId: hostId, userId: nil, version: 0, issuedAt: issuedAt, expiresAt: expiresAt)
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(["format", "hostId", "userId", "properties", "deviceId", "issuedAt", "expiresAt"])
        format = try json.knownWireFormat()
        hostId = try json.require("hostId").string()
        let userCursor = try json.require("userId")
        userId = try userCursor.string()
        guard Self.isUserId(userId) else {
            throw userCursor.error("a user id is 1 to 128 characters with no control characters")
        }
        properties = [:]
        if let members = try json.field("properties") {
            let items = try members.objectMembers()
            guard items.count <= Self.maximumProperties else {
                throw members.error("at most \(Self.maximumProperties) properties")
            }
            for (name, value) in items {
                guard Self.isPropertyName(name) else {
                    throw value.error("a property name is 1 to 64 letters, digits, '_', '-' or '.'")
                }
                let text = try value.string()
                guard text.count <= 256 else { throw value.error("a property value is at most 256 characters") }
                properties[name] = text
            }
        }
        if let device = try json.field("deviceId") { deviceId = try device.string() }
        issuedAt = try json.require("issuedAt").wireDate()
        let expiresCursor = try json.require("expiresAt")
        expiresAt = try expiresCursor.wireDate()
        let lifetime = expiresAt.timeIntervalSince(issuedAt)
        guard lifetime >= 1, lifetime <= Self.maximumLifetime else {
            throw expiresCursor.error(
                "an assertion expires at least 1 s and at most \(Int(Self.maximumLifetime)) s after it is issued")
        }
    }

    /// The assertion as compact JSON with sorted keys (the payload the host backend signs).
    public var wireJSON: Data {
        var members: [String: JSONValue] = [
            "format": .number(Double(format)), "hostId": .string(hostId), "userId": .string(userId),
            "properties": .object(properties.mapValues(JSONValue.string)),
            "issuedAt": .string(Timestamp.format(issuedAt)), "expiresAt": .string(Timestamp.format(expiresAt)),
        ]
        if let deviceId { members["deviceId"] = .string(deviceId) }
        return Data(JSONValue.object(members).serialized().utf8)
    }

    /// The assertion signed with a host's user-signing key: what the host backend hands its app at sign-in.
    public func signed(with key: SigningKey) -> SignedEnvelope {
        SignedEnvelope.sign(payload: wireJSON, payloadType: Self.payloadType, with: [key])
    }

    /// An assertion issued at `date`, valid for `lifetime` seconds and signed with `key`: what a host's backend
    /// hands its app at sign-in.
    public static func issue(
        hostId: String, userId: String, properties: [String: String] = [:], deviceId: String? = nil, at date: Date,
        lifetime: TimeInterval, key: SigningKey
    ) -> SignedEnvelope {
        UserAssertion(
            hostId: hostId, userId: userId, properties: properties, deviceId: deviceId, issuedAt: date,
            expiresAt: date.addingTimeInterval(lifetime)
        ).signed(with: key)
    }

    /// Verifies a signed assertion for `hostId` against the host's registered user-signing keys.
    public static func verify(
        _ envelope: SignedEnvelope, hostId: String, keys: [VerificationKey], clock: any CatalogClock
    ) throws(EnvelopeVerificationError) -> UserAssertion {
        try EnvelopeVerifier(policy: VerificationPolicy(trustedKeys: keys, hostId: hostId, userId: nil), clock: clock)
            .verify(envelope, as: UserAssertion.self)
    }

    /// An assertion as it travels in the `Minicatalog-User-Assertion` header: base64 of the envelope's JSON.
    public static func headerValue(_ envelope: SignedEnvelope) -> String {
        envelope.wireJSON.base64EncodedString()
    }

    /// The envelope in a header value; nil when it is not base64 of an envelope.
    public static func envelope(headerValue: String) -> SignedEnvelope? {
        guard headerValue.utf8.count <= 12 * 1024, let data = Data(base64Encoded: headerValue) else { return nil }
        return try? SignedEnvelope(wire: data)
    }

    /// 1 to 128 characters, none of them a control character.
    public static func isUserId(_ text: String) -> Bool {
        (1...128).contains(text.count) && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// 1 to 64 ASCII letters, digits, `_`, `-` or `.`.
    public static func isPropertyName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy {
                ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 || $0 == 45
                    || $0 == 46
            }
    }
}
