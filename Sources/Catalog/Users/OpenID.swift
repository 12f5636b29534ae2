import Crypto
import Foundation
import MiniSupport

/// The id a mini-program knows a user by (`user.openId`): HMAC-SHA256 under a secret only catalogd holds, of
/// the host, the app and the user. Stable across sign-ins, different for every app (partners cannot link one
/// customer across mini-programs), and impossible to compute from a bank user id without the secret.
public struct OpenID: Sendable {
    /// The size of a secret in bytes.
    public static let secretSize = 32

    private let secret: Data

    /// A deriver with the server's secret (at least 32 bytes).
    public init(secret: Data) throws(KeyError) {
        guard secret.count >= Self.secretSize else {
            throw .file("an openId secret is at least \(Self.secretSize) bytes, found \(secret.count)")
        }
        self.secret = secret
    }

    /// 32 lowercase hex digits. Each part is length-prefixed, so no two (host, app, user) give the same input.
    public func derive(hostId: String, appId: String, userId: String) -> String {
        var message = Data()
        for part in [hostId, appId, userId] {
            let bytes = Data(part.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { message.append(contentsOf: $0) }
            message.append(bytes)
        }
        return Hex.lowercase(
            HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret)).prefix(16))
    }

    /// A new random secret.
    public static func generateSecret() -> Data {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
    }
}
