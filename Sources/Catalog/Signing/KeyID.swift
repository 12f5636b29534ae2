import Crypto
import Foundation
import MiniSupport

/// A key's identifier: the first 16 bytes of SHA-256 over the raw public key, as 32 lowercase hex digits.
public struct KeyID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The id of a raw Ed25519 public key.
    public init(publicKey raw: Data) {
        rawValue = Hex.lowercase(SHA256.hash(data: raw).prefix(16))
    }

    public var description: String { rawValue }
}
