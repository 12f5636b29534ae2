import Catalog
import Foundation

/// The server's keys, kept in `DATA/keys/`: the catalog signing key and the secret openIds are derived with.
/// Created on first start, read on every start after.
public struct ServerKeyring: Sendable {
    public let signingKey: SigningKey
    /// Derives each user's per-app openId (`DATA/keys/openid.secret`, mode 0600): only this server holds it.
    public let openId: OpenID

    public static let openIdSecretFileName = "openid.secret"

    /// Loads the keys from `dataDirectory/keys`, creating them (mode 0600) when there are none.
    public static func loadOrCreate(in dataDirectory: URL) throws -> (keyring: ServerKeyring, created: Bool) {
        let directory = dataDirectory.appendingPathComponent("keys")
        let file = directory.appendingPathComponent(KeyFiles.privateKeyFileName)
        if FileManager.default.fileExists(atPath: file.path) {
            return (try load(from: dataDirectory), false)
        }
        let key = SigningKey.generate()
        try KeyFiles.write(key, to: directory)
        return (ServerKeyring(signingKey: key, openId: try openIdSecret(in: directory)), true)
    }

    /// Reads the existing key; fails with a clear message when the data folder has none.
    public static func load(from dataDirectory: URL) throws -> ServerKeyring {
        let directory = dataDirectory.appendingPathComponent("keys")
        let file = directory.appendingPathComponent(KeyFiles.privateKeyFileName)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw KeyError.file(
                "no signing key in '\(dataDirectory.path)': start 'catalogd serve --data \(dataDirectory.path)' once to create it"
            )
        }
        return ServerKeyring(signingKey: try KeyFiles.readSigningKey(at: file), openId: try openIdSecret(in: directory))
    }

    /// The openId secret of the keys folder, made on first use (a data folder from before openIds has none).
    private static func openIdSecret(in directory: URL) throws -> OpenID {
        let file = directory.appendingPathComponent(openIdSecretFileName)
        if !FileManager.default.fileExists(atPath: file.path) {
            try KeyFiles.writeSecret(OpenID.generateSecret(), to: file)
        }
        return try OpenID(secret: try KeyFiles.readSecret(at: file))
    }
}
