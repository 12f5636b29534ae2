import Foundation

#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

/// Reads and writes key files: JSON with the key type, id and base64 key; the private file is mode 0600.
///
/// ```json
/// {"type": "ed25519-private", "keyid": "…", "key": "<base64 of 32 bytes>"}
/// {"type": "ed25519-public", "keyid": "…", "key": "<base64 of 32 bytes>"}
/// ```
public enum KeyFiles {
    public static let privateKeyFileName = "catalog-signing.key"
    public static let publicKeyFileName = "catalog-signing.pub"

    private struct Document: Codable {
        var type: String
        var keyid: String
        var key: String
    }

    /// Writes `catalog-signing.key` (0600) and `catalog-signing.pub` into `directory`, creating it (0700)
    /// if needed. Refuses to overwrite existing key files unless `overwrite` is true.
    public static func write(_ key: SigningKey, to directory: URL, overwrite: Bool = false) throws(KeyError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .file("'\(directory.path)' exists and is not a directory") }
        } else {
            do {
                try manager.createDirectory(
                    at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .file("cannot create directory '\(directory.path)': \(error.localizedDescription)")
            }
        }
        let privateURL = directory.appendingPathComponent(privateKeyFileName)
        let publicURL = directory.appendingPathComponent(publicKeyFileName)
        if !overwrite {
            for url in [privateURL, publicURL] where manager.fileExists(atPath: url.path) {
                throw .file("'\(url.path)' already exists; pass --force to replace it (the old key stops verifying)")
            }
        }
        let privateDocument = Document(
            type: "ed25519-private", keyid: key.keyID.rawValue, key: key.rawRepresentation.base64EncodedString())
        let publicDocument = Document(
            type: "ed25519-public", keyid: key.keyID.rawValue, key: key.verificationKey.base64)
        try writeAtomically(encode(privateDocument), to: privateURL, mode: 0o600)
        try writeAtomically(encode(publicDocument), to: publicURL, mode: 0o644)
    }

    /// Writes one private key file (0600) at `url`, such as a shell's device key; never half-written.
    public static func writePrivateKey(_ key: SigningKey, to url: URL) throws(KeyError) {
        let document = Document(
            type: "ed25519-private", keyid: key.keyID.rawValue, key: key.rawRepresentation.base64EncodedString())
        try writeAtomically(encode(document), to: url, mode: 0o600)
    }

    /// Writes a secret (such as the server's openId secret) at `url`, mode 0600; never half-written.
    public static func writeSecret(_ secret: Data, to url: URL) throws(KeyError) {
        let document = Document(type: "hmac-sha256-secret", keyid: "secret", key: secret.base64EncodedString())
        try writeAtomically(encode(document), to: url, mode: 0o600)
    }

    /// Writes any key-folder file (a list of rotation statements) through a temporary file: never half-written.
    public static func writeFile(_ data: Data, to url: URL, mode: mode_t) throws(KeyError) {
        try writeAtomically(data, to: url, mode: mode)
    }

    /// Reads a secret file.
    public static func readSecret(at url: URL) throws(KeyError) -> Data {
        let document = try read(url, expecting: "hmac-sha256-secret")
        guard let secret = Data(base64Encoded: document.key) else {
            throw .file("'\(url.path)': the secret is not base64")
        }
        return secret
    }

    /// Reads a private key file.
    public static func readSigningKey(at url: URL) throws(KeyError) -> SigningKey {
        let document = try read(url, expecting: "ed25519-private")
        guard let raw = Data(base64Encoded: document.key) else { throw .file("'\(url.path)': the key is not base64") }
        let key = try SigningKey(rawRepresentation: raw)
        guard key.keyID.rawValue == document.keyid else {
            throw .file("'\(url.path)': the keyid does not match the key (file edited or corrupted)")
        }
        return key
    }

    /// Reads a public key file.
    public static func readVerificationKey(at url: URL) throws(KeyError) -> VerificationKey {
        let document = try read(url, expecting: "ed25519-public")
        let key = try VerificationKey(base64: document.key)
        guard key.keyID.rawValue == document.keyid else {
            throw .file("'\(url.path)': the keyid does not match the key (file edited or corrupted)")
        }
        return key
    }

    private static func read(_ url: URL, expecting type: String) throws(KeyError) -> Document {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .file("cannot read '\(url.path)': \(error.localizedDescription)")
        }
        guard data.count <= 4096, let document = try? JSONDecoder().decode(Document.self, from: data) else {
            throw .file("'\(url.path)' is not a key file (expected JSON with type, keyid and key)")
        }
        guard document.type == type else {
            throw .file("'\(url.path)' holds a \(document.type) key, expected \(type)")
        }
        return document
    }

    private static func encode(_ document: Document) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return ((try? encoder.encode(document)) ?? Data()) + Data("\n".utf8)
    }

    /// Writes to a temporary file created with `mode`, then renames it over the target: never half a key.
    private static func writeAtomically(_ data: Data, to url: URL, mode: mode_t) throws(KeyError) {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else {
            throw .file("cannot create '\(temporary.path)': \(String(cString: strerror(errno)))")
        }
        let written = data.withUnsafeBytes { buffer in
            buffer.baseAddress.map { systemWrite(descriptor, $0, buffer.count) } ?? 0
        }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0, rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw .file("cannot write '\(url.path)': \(String(cString: strerror(errno)))")
        }
        // The rename itself is durable only once the folder is: key files are written in an order that matters.
        let folder = open(url.deletingLastPathComponent().path, O_RDONLY)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }

    /// Runs `body` holding an exclusive lock on `directory/.lock` (created if needed): processes that share a
    /// keys folder (replicas, `catalogd key` commands) never see one another's half-done rotation.
    public static func withLock<T>(in directory: URL, _ body: () throws -> T) throws -> T {
        let path = directory.appendingPathComponent(".lock").path
        let descriptor = open(path, O_RDWR | O_CREAT, 0o600)
        guard descriptor >= 0 else {
            throw KeyError.file("cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw KeyError.file("cannot lock '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
