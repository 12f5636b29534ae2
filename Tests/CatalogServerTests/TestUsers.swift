import Catalog
import Foundation

/// The host backend these tests play: one user-signing key, registered on the hosts the tests create, that
/// vouches for the users whose catalogs they read.
enum TestUsers {
    static let key = SigningKey.generate()

    /// The body of `POST /v1/hosts` for a host whose catalog believes ``key`` (and `clientProperties`).
    static func hostBody(_ id: String, _ name: String, clientProperties: [String] = []) -> String {
        let properties = clientProperties.map { "\"\($0)\"" }.joined(separator: ", ")
        return #"{"id": "\#(id)", "name": "\#(name)", "userKeys": ["\#(key.verificationKey.base64)"], "#
            + #""clientProperties": [\#(properties)]}"#
    }

    /// A `Minicatalog-User-Assertion` header value, signed with `key` (or another key) as the host's backend would.
    static func assertion(
        host: String = "mbank", user: String, properties: [String: String] = [:], deviceId: String? = nil,
        issuedAt: Date = Date(), lifetime: TimeInterval = 600, signedWith signer: SigningKey = key
    ) -> String {
        UserAssertion.headerValue(
            UserAssertion.issue(
                hostId: host, userId: user, properties: properties, deviceId: deviceId, at: issuedAt,
                lifetime: lifetime, key: signer))
    }
}
