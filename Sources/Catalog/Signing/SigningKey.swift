import Crypto
import Foundation
import MiniSupport

/// An Ed25519 private key that signs envelopes. The server holds one; shells pin its ``VerificationKey``.
public struct SigningKey: Sendable {
    private let box: ImmutableBox<Curve25519.Signing.PrivateKey>
    private var key: Curve25519.Signing.PrivateKey { box.value }
    /// The public half, which verifies this key's signatures.
    public let verificationKey: VerificationKey

    /// The id of the key (the id of its public half).
    public var keyID: KeyID { verificationKey.keyID }

    /// A fresh random key.
    public static func generate() -> SigningKey {
        SigningKey(key: Curve25519.Signing.PrivateKey())
    }

    /// A key from its 32 raw bytes.
    public init(rawRepresentation: Data) throws(KeyError) {
        guard rawRepresentation.count == 32,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
        else {
            throw KeyError.invalidPrivateKey("an Ed25519 private key is 32 bytes, found \(rawRepresentation.count)")
        }
        self.init(key: key)
    }

    private init(key: Curve25519.Signing.PrivateKey) {
        self.box = ImmutableBox(key)
        self.verificationKey = VerificationKey(key: key.publicKey)
    }

    /// The 32 raw bytes of the private key. Handle with care.
    public var rawRepresentation: Data { key.rawRepresentation }

    /// Signs bytes; Ed25519 signatures are 64 bytes.
    public func signature(for message: Data) -> Data {
        // Ed25519 signing cannot fail for a valid key; swift-crypto's signature is `throws` for other curves.
        (try? key.signature(for: message)) ?? Data()
    }
}

/// An Ed25519 public key with its id: what a shell pins to trust the server.
public struct VerificationKey: Sendable, Hashable {
    private let box: ImmutableBox<Curve25519.Signing.PublicKey>
    private var key: Curve25519.Signing.PublicKey { box.value }
    public let keyID: KeyID

    fileprivate init(key: Curve25519.Signing.PublicKey) {
        self.box = ImmutableBox(key)
        self.keyID = KeyID(publicKey: key.rawRepresentation)
    }

    /// A key from its 32 raw bytes.
    public init(rawRepresentation: Data) throws(KeyError) {
        guard rawRepresentation.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation)
        else { throw KeyError.invalidPublicKey("an Ed25519 public key is 32 bytes, found \(rawRepresentation.count)") }
        self.init(key: key)
    }

    /// A key from base64 text (as printed by `minictl key generate` and `catalogd key show`).
    public init(base64 text: String) throws(KeyError) {
        guard let raw = Data(base64Encoded: String(text.trimmingWhitespace())) else {
            throw KeyError.invalidPublicKey("'\(text.prefix(60))' is not base64")
        }
        try self.init(rawRepresentation: raw)
    }

    public var rawRepresentation: Data { key.rawRepresentation }
    /// The raw key in base64, for configuration files and command lines.
    public var base64: String { rawRepresentation.base64EncodedString() }

    /// True when `signature` is this key's signature of `message`.
    public func isValidSignature(_ signature: Data, for message: Data) -> Bool {
        signature.count == 64 && key.isValidSignature(signature, for: message)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawRepresentation == rhs.rawRepresentation }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawRepresentation) }
}

/// A key that could not be read or written.
public struct KeyError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case invalidPrivateKey, invalidPublicKey, file
    }

    private let kind: Kind
    /// What went wrong, for people.
    public let message: String

    public static func invalidPrivateKey(_ message: String) -> KeyError {
        KeyError(kind: .invalidPrivateKey, message: message)
    }
    public static func invalidPublicKey(_ message: String) -> KeyError {
        KeyError(kind: .invalidPublicKey, message: message)
    }
    public static func file(_ message: String) -> KeyError { KeyError(kind: .file, message: message) }

    /// A stable code: `invalid-private-key`, `invalid-public-key`, `key-file`.
    public var code: String {
        switch kind {
        case .invalidPrivateKey: return "invalid-private-key"
        case .invalidPublicKey: return "invalid-public-key"
        case .file: return "key-file"
        }
    }

    public var description: String { message }
}

/// Holds a swift-crypto key, which is an immutable value but not marked `Sendable` on Linux.
private final class ImmutableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
