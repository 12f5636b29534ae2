import Foundation
import MiniSupport

/// A shell installation's request to be enrolled with its host: its device public key, signed by the device
/// key itself (proof that the shell holds the private half). Sent once with the host key, which from then on
/// serves only to enrol.
public struct DeviceEnrolment: SignedPayload, Hashable {
    public static let payloadType = "\(WireFormat.mediaTypePrefix).enrolment+json; version=\(WireFormat.version)"
    /// How long after `issuedAt` the server accepts the request.
    public static let maximumAge: TimeInterval = 600

    public var format: Int
    public var hostId: String
    /// The device's Ed25519 public key, base64.
    public var publicKey: String
    public var issuedAt: Date

    public init(hostId: String, publicKey: VerificationKey, issuedAt: Date) {
        format = WireFormat.version
        self.hostId = hostId
        self.publicKey = publicKey.base64
        self.issuedAt = issuedAt
    }

    public var header: PayloadHeader {
        PayloadHeader(
            hostId: hostId, userId: nil, version: 0, issuedAt: issuedAt,
            expiresAt: issuedAt.addingTimeInterval(Self.maximumAge))
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(["format", "hostId", "publicKey", "issuedAt"])
        format = try json.knownWireFormat()
        hostId = try json.require("hostId").string()
        let keyCursor = try json.require("publicKey")
        publicKey = try keyCursor.string()
        guard (try? VerificationKey(base64: publicKey)) != nil else {
            throw keyCursor.error("not a base64 Ed25519 public key")
        }
        issuedAt = try json.require("issuedAt").wireDate()
    }

    /// The enrolment as compact JSON with sorted keys (the payload the device signs).
    public var wireJSON: Data {
        Data(
            JSONValue.object([
                "format": .number(Double(format)), "hostId": .string(hostId), "publicKey": .string(publicKey),
                "issuedAt": .string(Timestamp.format(issuedAt)),
            ]).serialized().utf8)
    }

    /// The signed request body: the enrolment signed by the device key it names.
    public static func signed(hostId: String, deviceKey: SigningKey, at date: Date) -> SignedEnvelope {
        let enrolment = DeviceEnrolment(hostId: hostId, publicKey: deviceKey.verificationKey, issuedAt: date)
        return SignedEnvelope.sign(payload: enrolment.wireJSON, payloadType: payloadType, with: [deviceKey])
    }

    /// Verifies a signed enrolment for `hostId` with the key it carries; the enrolment, or why not.
    public static func verify(_ envelope: SignedEnvelope, hostId: String, clock: any CatalogClock)
        throws(EnvelopeVerificationError) -> DeviceEnrolment
    {
        // The key is taken from the payload, then the signature must verify with exactly that key.
        guard let unverified = try? DeviceEnrolment(wire: envelope.payload),
            let key = try? VerificationKey(base64: unverified.publicKey)
        else { throw .malformedPayload("the enrolment is not a device public key and a time") }
        return try EnvelopeVerifier(
            policy: VerificationPolicy(trustedKeys: [key], hostId: hostId, userId: nil), clock: clock
        ).verify(envelope, as: DeviceEnrolment.self)
    }
}
