import Catalog
import Foundation
import MiniSupport

/// Where the shell gets the signed-in user's assertion, which the catalog request carries: catalogd resolves
/// the catalog for the user and properties the host's backend vouches for, never for what the shell claims.
///
/// A real host app's backend signs it at sign-in and the app hands it over (``file(_:)``: the app writes it
/// to a file, read again at each sync so a refreshed one is picked up). In the demo, the sign-in plays the
/// host's backend and signs with the host's user-signing key (``signer(_:properties:lifetime:)``).
public struct UserAssertionSource: Sendable {
    enum Kind: Sendable {
        case signer(SigningKey, properties: [String: String], lifetime: TimeInterval)
        case file(URL)
    }

    let kind: Kind

    /// Signs a fresh assertion for each request, bound to this device, valid for `lifetime` seconds.
    public static func signer(_ key: SigningKey, properties: [String: String] = [:], lifetime: TimeInterval = 900)
        -> Self
    {
        Self(kind: .signer(key, properties: properties, lifetime: min(lifetime, UserAssertion.maximumLifetime)))
    }

    /// Reads the assertion from a file at each request: the envelope's JSON, or base64 of it.
    public static func file(_ url: URL) -> Self { Self(kind: .file(url)) }

    /// Why no assertion could be had.
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The `Minicatalog-User-Assertion` header value for the user on this host and device.
    func headerValue(hostId: String, userId: String, deviceId: String?, now: Date) throws(Unavailable) -> String {
        switch kind {
        case .signer(let key, let properties, let lifetime):
            return UserAssertion.headerValue(
                UserAssertion.issue(
                    hostId: hostId, userId: userId, properties: properties, deviceId: deviceId, at: now,
                    lifetime: lifetime, key: key))
        case .file(let url):
            return try Self.read(url, hostId: hostId, userId: userId, now: now)
        }
    }

    private static func read(_ url: URL, hostId: String, userId: String, now: Date) throws(Unavailable) -> String {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: 16 * 1024) ?? Data()
        } catch {
            throw Unavailable(
                description: "cannot read the user assertion '\(url.path)': \(error.localizedDescription)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingWhitespace()
        let value = text.hasPrefix("{") ? Data(text.utf8).base64EncodedString() : String(text)
        // The shell cannot verify the host's signature (catalogd does), but it can tell a wrong file at once.
        guard let envelope = UserAssertion.envelope(headerValue: value),
            envelope.payloadType == UserAssertion.payloadType,
            let assertion = try? UserAssertion(wire: envelope.payload)
        else {
            throw Unavailable(description: "'\(url.path)' does not hold a signed user assertion")
        }
        guard assertion.hostId == hostId, assertion.userId == userId else {
            throw Unavailable(
                description:
                    "'\(url.path)' vouches for user '\(assertion.userId)' of host '\(assertion.hostId)', not '\(userId)' of '\(hostId)'"
            )
        }
        guard now <= assertion.expiresAt else {
            throw Unavailable(
                description:
                    "the user assertion in '\(url.path)' expired at \(Timestamp.format(assertion.expiresAt)); the host's backend must issue a fresh one"
            )
        }
        return value
    }
}
