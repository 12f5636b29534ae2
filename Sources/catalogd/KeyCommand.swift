import ArgumentParser
import Catalog
import CatalogServer
import Foundation
import MiniSupport

/// `catalogd key show | rotate`.
struct Key: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show or rotate the server's signing key.", subcommands: [Show.self, Rotate.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the public key and key id that shells pin.",
            discussion: "The key is created by the first 'catalogd serve' on the data folder.")

        @Option(help: ArgumentHelp("The data folder.", valueName: "DIR"))
        var data: String

        @Flag(help: "Print {\"keyid\", \"publicKey\", \"rotations\"} as JSON.")
        var json = false

        func run() async throws {
            let keyring = try Key.load { try ServerKeyring.load(from: URL(fileURLWithPath: data)) }
            let key = keyring.signingKey.verificationKey
            if json {
                print(
                    JSONValue.object([
                        "keyid": .string(key.keyID.rawValue), "publicKey": .string(key.base64),
                        "rotations": .number(Double(keyring.rotations.count)),
                    ]).serialized())
            } else {
                print("public key: \(key.base64)")
                print("key id:     \(key.keyID)")
                if !keyring.rotations.isEmpty { print("rotations:  \(keyring.rotations.count)") }
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the signing key; shells that pin the old one follow to the new one.",
            discussion: """
                Makes a new key and a rotation statement signed by the old key and the new one, appended to \
                DIR/keys/rotations.json, which GET /v1/keys/rotations serves. A shell whose pinned key a \
                statement retires verifies it, pins the new key and refuses the old key's signatures from then \
                on; a shell offline across several rotations follows them all in order. The old private key file is \
                replaced. Restart catalogd (every replica that shares the keys folder) to sign with the new \
                key. A rotation cut off midway is completed by the next start or rotation.
                """)

        @Option(help: ArgumentHelp("The data folder.", valueName: "DIR"))
        var data: String

        @Flag(help: "Print {\"sequence\", \"previousKeyid\", \"keyid\", \"publicKey\"} as JSON.")
        var json = false

        func run() async throws {
            let (keyring, rotation) = try Key.load { try ServerKeyring.rotate(in: URL(fileURLWithPath: data)) }
            let key = keyring.signingKey.verificationKey
            let previous = (try? VerificationKey(base64: rotation.previousKey))?.keyID.rawValue ?? rotation.previousKey
            if json {
                print(
                    JSONValue.object([
                        "sequence": .number(Double(rotation.sequence)), "previousKeyid": .string(previous),
                        "keyid": .string(key.keyID.rawValue), "publicKey": .string(key.base64),
                    ]).serialized())
            } else {
                print("rotation \(rotation.sequence): key \(previous) retired")
                print("public key: \(key.base64)")
                print("key id:     \(key.keyID)")
                print("restart catalogd to sign with the new key")
            }
        }
    }

    /// Runs a keyring operation; a failure is one line on standard error and exit 1.
    static func load<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            FileHandle.standardError.write(Data("catalogd: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
