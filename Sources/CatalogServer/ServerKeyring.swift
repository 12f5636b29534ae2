import Catalog
import Foundation

/// The server's signing key, kept in `DATA/keys/`: created on first start, read on every start after.
public struct ServerKeyring: Sendable {
    public let signingKey: SigningKey

    /// Loads the key from `dataDirectory/keys`, creating it (mode 0600) when there is none.
    public static func loadOrCreate(in dataDirectory: URL) throws -> (keyring: ServerKeyring, created: Bool) {
        let directory = dataDirectory.appendingPathComponent("keys")
        let file = directory.appendingPathComponent(KeyFiles.privateKeyFileName)
        if FileManager.default.fileExists(atPath: file.path) {
            return (ServerKeyring(signingKey: try KeyFiles.readSigningKey(at: file)), false)
        }
        let key = SigningKey.generate()
        try KeyFiles.write(key, to: directory)
        return (ServerKeyring(signingKey: key), true)
    }

    /// Reads the existing key; fails with a clear message when the data folder has none.
    public static func load(from dataDirectory: URL) throws -> ServerKeyring {
        let file = dataDirectory.appendingPathComponent("keys").appendingPathComponent(KeyFiles.privateKeyFileName)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw KeyError.file(
                "no signing key in '\(dataDirectory.path)': start 'catalogd serve --data \(dataDirectory.path)' once to create it"
            )
        }
        return ServerKeyring(signingKey: try KeyFiles.readSigningKey(at: file))
    }
}
