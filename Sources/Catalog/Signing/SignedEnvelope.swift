import Foundation

/// Signed bytes, as in DSSE: the exact payload bytes, their type, and one or more signatures.
///
/// Each signature covers the pre-authentication encoding (PAE) of type and payload,
/// `"DSSEv1" SP len(type) SP type SP len(payload) SP payload`, so a signature for one payload type can
/// never be replayed as another, and no canonical JSON is needed: the verifier checks the bytes it got.
///
/// On the wire: `{"payloadType": "…", "payload": "<base64>", "signatures": [{"keyid": "…", "sig": "<base64>"}]}`.
public struct SignedEnvelope: Sendable, Hashable, Codable {
    /// One signature over the envelope's PAE.
    public struct Signature: Sendable, Hashable, Codable {
        public var keyid: KeyID
        public var sig: Data

        public init(keyid: KeyID, sig: Data) {
            self.keyid = keyid
            self.sig = sig
        }
    }

    /// The largest payload an envelope may carry; bigger ones are refused before any work.
    public static let maximumPayloadSize = 16 * 1024 * 1024
    /// The most signatures an envelope may carry.
    public static let maximumSignatures = 8

    public var payloadType: String
    public var payload: Data
    public var signatures: [Signature]

    public init(payloadType: String, payload: Data, signatures: [Signature]) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// Signs `payload` with every key given.
    public static func sign(payload: Data, payloadType: String, with keys: [SigningKey]) -> SignedEnvelope {
        let message = preAuthenticationEncoding(payloadType: payloadType, payload: payload)
        return SignedEnvelope(
            payloadType: payloadType, payload: payload,
            signatures: keys.map { Signature(keyid: $0.keyID, sig: $0.signature(for: message)) })
    }

    /// Encodes `value` with the wire encoder and signs the resulting bytes.
    public static func sign<P: SignedPayload>(_ value: P, with keys: [SigningKey]) throws -> SignedEnvelope {
        sign(payload: try WireFormat.encoder().encode(value), payloadType: P.payloadType, with: keys)
    }

    /// DSSE's PAE: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in ASCII decimal.
    public static func preAuthenticationEncoding(payloadType: String, payload: Data) -> Data {
        var data = Data("DSSEv1 \(payloadType.utf8.count) \(payloadType) \(payload.count) ".utf8)
        data.append(payload)
        return data
    }
}
