import Crypto
import Foundation
import MiniSupport

/// The per-app user id a host gives a mini-program: HMAC-SHA256 of the user id and the app id under a
/// host secret. Stable for one (user, app), unlinkable across apps, and never the bank's user id.
public enum OpaqueUserID {
    /// 32 lowercase hex digits.
    public static func derive(userId: String, appId: String, secret: Data) -> String {
        let key = SymmetricKey(data: secret)
        var message = Data(userId.utf8)
        message.append(0)
        message.append(contentsOf: appId.utf8)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return Hex.lowercase(code.prefix(16))
    }
}
