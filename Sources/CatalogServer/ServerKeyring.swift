import Catalog
import Foundation
import MiniSupport

/// The server's keys, kept in `DATA/keys/`: the catalog signing key, the statements that rotated it, and the
/// secret openIds are derived with. Created on first start, read on every start after.
public struct ServerKeyring: Sendable {
    public let signingKey: SigningKey
    /// Every rotation so far, oldest first (`DATA/keys/rotations.json`): shells that pin an older key follow them.
    public let rotations: [SignedEnvelope]
    /// Derives each user's per-app openId (`DATA/keys/openid.secret`, mode 0600): only this server holds it.
    public let openId: OpenID

    /// The ids of the keys this keyring's rotations retired.
    public var retiredKeyIds: Set<String> {
        Set(
            rotations.compactMap { envelope in
                (try? KeyRotation(wire: envelope.payload)).flatMap { try? VerificationKey(base64: $0.previousKey) }?
                    .keyID.rawValue
            })
    }

    public static let openIdSecretFileName = "openid.secret"
    public static let rotationsFileName = "rotations.json"
    /// A new key waits here until the statement naming it is written: a rotation cut off can be completed.
    static let stagedKeyFileName = "catalog-signing.key.next"

    /// Loads the keys from `dataDirectory/keys`, creating them (mode 0600) when there are none.
    public static func loadOrCreate(in dataDirectory: URL) throws -> (keyring: ServerKeyring, created: Bool) {
        let directory = dataDirectory.appendingPathComponent("keys")
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return try KeyFiles.withLock(in: directory) {
            let file = directory.appendingPathComponent(KeyFiles.privateKeyFileName)
            if FileManager.default.fileExists(atPath: file.path) {
                return (try loadLocked(directory), false)
            }
            let key = SigningKey.generate()
            try KeyFiles.write(key, to: directory)
            return (ServerKeyring(signingKey: key, rotations: [], openId: try openIdSecret(in: directory)), true)
        }
    }

    /// Reads the existing keys; fails with a clear message when the data folder has none. A rotation that was
    /// cut off after its statement was written is completed first.
    public static func load(from dataDirectory: URL) throws -> ServerKeyring {
        let directory = try existingKeys(in: dataDirectory)
        return try KeyFiles.withLock(in: directory) { try loadLocked(directory) }
    }

    /// The keys folder of a data folder that has a signing key, or a clear error.
    private static func existingKeys(in dataDirectory: URL) throws -> URL {
        let directory = dataDirectory.appendingPathComponent("keys")
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(KeyFiles.privateKeyFileName).path)
        else {
            throw KeyError.file(
                "no signing key in '\(dataDirectory.path)': start 'catalogd serve --data \(dataDirectory.path)' once to create it"
            )
        }
        return directory
    }

    /// `load`, holding the keys folder's lock.
    private static func loadLocked(_ directory: URL) throws -> ServerKeyring {
        let file = directory.appendingPathComponent(KeyFiles.privateKeyFileName)
        var key = try KeyFiles.readSigningKey(at: file)
        let rotations = try readRotations(in: directory)
        let staged = directory.appendingPathComponent(stagedKeyFileName)
        if let last = rotations.last {
            guard let statement = try? KeyRotation(wire: last.payload) else {
                throw KeyError.file("'\(directory.path)': the last rotation statement does not read")
            }
            if statement.newKey != key.verificationKey.base64 {
                // The statement names a key not in place yet: the staged one, if the rotation was cut off.
                guard let next = try? KeyFiles.readSigningKey(at: staged),
                    next.verificationKey.base64 == statement.newKey
                else {
                    throw KeyError.file(
                        "'\(directory.path)': rotation \(statement.sequence) names key \(statement.newKey), which is neither the signing key nor a staged one"
                    )
                }
                try KeyFiles.write(next, to: directory, overwrite: true)
                key = next
            }
        }
        // A staged key no statement names is a rotation cut off before its statement: it never signed anything.
        try? FileManager.default.removeItem(at: staged)
        // The public file follows the private one (a rotation cut off between the two renames).
        let publicFile = directory.appendingPathComponent(KeyFiles.publicKeyFileName)
        if (try? KeyFiles.readVerificationKey(at: publicFile)) != key.verificationKey {
            try KeyFiles.write(key, to: directory, overwrite: true)
        }
        return ServerKeyring(signingKey: key, rotations: rotations, openId: try openIdSecret(in: directory))
    }

    /// Replaces the signing key: a new key, and a statement signed by the old key and the new one that shells
    /// pinning the old key follow. The old private key file is replaced; a restarted catalogd signs with the new.
    public static func rotate(in dataDirectory: URL, at date: Date = Date()) throws -> (
        ServerKeyring, rotation: KeyRotation
    ) {
        let directory = try existingKeys(in: dataDirectory)
        return try KeyFiles.withLock(in: directory) {
            let current = try loadLocked(directory)
            let next = SigningKey.generate()
            // The new key is on disk before any statement names it, and in place only after.
            try KeyFiles.writePrivateKey(next, to: directory.appendingPathComponent(stagedKeyFileName))
            let sequence = UInt64(current.rotations.count + 1)
            let statement = KeyRotation.signed(sequence: sequence, from: current.signingKey, to: next, at: date)
            try writeRotations(current.rotations + [statement], in: directory)
            let rotated = try loadLocked(directory)
            return (
                rotated,
                KeyRotation(
                    sequence: sequence, previousKey: current.signingKey.verificationKey, newKey: next.verificationKey,
                    issuedAt: date)
            )
        }
    }

    /// The rotation statements as `GET /v1/keys/rotations` answers them.
    public var rotationsJSON: JSONValue {
        .object(["rotations": .array(rotations.map(\.jsonValue))])
    }

    private static func readRotations(in directory: URL) throws -> [SignedEnvelope] {
        let file = directory.appendingPathComponent(rotationsFileName)
        guard FileManager.default.fileExists(atPath: file.path) else { return [] }
        do {
            let items = try JSONCursor(try JSONValue.parse(try Data(contentsOf: file))).require("rotations").array()
            return try items.map { try SignedEnvelope(json: $0) }
        } catch {
            throw KeyError.file("'\(file.path)' is not a list of rotation statements: \(error)")
        }
    }

    private static func writeRotations(_ rotations: [SignedEnvelope], in directory: URL) throws {
        let text = JSONValue.object(["rotations": .array(rotations.map(\.jsonValue))]).serialized() + "\n"
        try KeyFiles.writeFile(Data(text.utf8), to: directory.appendingPathComponent(rotationsFileName), mode: 0o644)
    }

    /// The openId secret of the keys folder, made on first use (a data folder from before openIds has none);
    /// called holding the folder's lock, so replicas starting together make one secret, not one each.
    private static func openIdSecret(in directory: URL) throws -> OpenID {
        let file = directory.appendingPathComponent(openIdSecretFileName)
        if !FileManager.default.fileExists(atPath: file.path) {
            try KeyFiles.writeSecret(OpenID.generateSecret(), to: file)
        }
        return try OpenID(secret: try KeyFiles.readSecret(at: file))
    }
}
