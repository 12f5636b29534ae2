import Crypto
import Foundation

/// A key's identifier: the first 16 bytes of SHA-256 over the raw public key, as 32 lowercase hex digits.
public struct KeyID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The id of a raw Ed25519 public key.
    public init(publicKey raw: Data) {
        rawValue = SHA256.hash(data: raw).prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    public var description: String { rawValue }
}
