import ArgumentParser
import Catalog
import Foundation
import MiniSupport

struct Key: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage Ed25519 signing keys.",
        subcommands: [Generate.self]
    )
}

extension Key {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a signing key pair.",
            discussion: """
                Writes DIR/catalog-signing.key (the private key, mode 0600) and DIR/catalog-signing.pub,
                creating DIR (mode 0700) if needed, and prints the public key (base64) and its key id, which
                shells pin. Existing key files are never replaced unless --force is given.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The directory to write the key files into.", valueName: "DIR"))
        var out: String

        @Flag(help: "Replace existing key files (signatures by the old key stop verifying).")
        var force = false

        @Flag(help: "Print {\"keyid\", \"publicKey\", \"privateKeyFile\", \"publicKeyFile\"} as JSON.")
        var json = false

        func run() throws {
            let key = SigningKey.generate()
            let directory = URL(fileURLWithPath: out)
            do {
                try KeyFiles.write(key, to: directory, overwrite: force)
            } catch {
                throw CommandFailure(error.description)
            }
            let privatePath = directory.appendingPathComponent(KeyFiles.privateKeyFileName).path
            let publicPath = directory.appendingPathComponent(KeyFiles.publicKeyFileName).path
            if json {
                print(
                    JSONValue.object([
                        "keyid": .string(key.keyID.rawValue), "publicKey": .string(key.verificationKey.base64),
                        "privateKeyFile": .string(privatePath), "publicKeyFile": .string(publicPath),
                    ]).serialized())
            } else {
                print("public key: \(key.verificationKey.base64)")
                print("key id:     \(key.keyID)")
                print("wrote \(privatePath) (mode 0600) and \(publicPath)")
            }
        }
    }
}
