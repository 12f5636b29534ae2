import ArgumentParser
import Catalog
import CatalogServer
import Foundation
import Hummingbird
import Logging

/// `catalogd`: the management platform's server.
@main
struct CatalogdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogd",
        abstract: "The mini-program management platform: review, gray release, delisting, signed sync API.",
        discussion:
            "Today: serve (health check, SQLite store, signing key) and key show. The workflow and sync API arrive with the rest of the platform issue; see README.md, \"Status\".",
        version: CatalogServerVersion.current,
        subcommands: [Serve.self, Key.self]
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server on a data folder (SQLite database and signing key, created on first start).",
        discussion: "Stops gracefully on SIGINT or SIGTERM. Logs go to stderr."
    )

    @Option(help: ArgumentHelp("The data folder: catalog.sqlite and keys/.", valueName: "DIR"))
    var data: String

    @Option(help: ArgumentHelp("Address to listen on, HOST:PORT (port 0 picks a free one).", valueName: "HOST:PORT"))
    var listen: String = "127.0.0.1:8080"

    func validate() throws {
        do {
            _ = try ListenAddress(parsing: listen)
        } catch {
            throw ValidationError("--listen: \(error)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "catalogd")
        logger.logLevel = .info
        let directory = URL(fileURLWithPath: data)
        let store: SQLiteCatalogStore
        let keyring: ServerKeyring
        do {
            store = try SQLiteCatalogStore(directory: directory)
            let (loaded, created) = try ServerKeyring.loadOrCreate(in: directory)
            keyring = loaded
            if created { logger.info("created the signing key", metadata: ["keyid": "\(loaded.signingKey.keyID)"]) }
        } catch {
            FileHandle.standardError.write(
                Data("catalogd: error: cannot open the data folder '\(data)': \(error)\n".utf8))
            throw ExitCode(1)
        }
        let configuration = ServerConfiguration(dataDirectory: directory, listen: try ListenAddress(parsing: listen))
        let application = CatalogApplication.build(
            configuration: configuration, store: store, keyring: keyring, logger: logger
        ) { port in
            let line =
                "catalogd listening on http://\(ListenAddress(host: configuration.listen.host, port: port)) (key id \(keyring.signingKey.keyID))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        try await application.runService()
    }
}

struct Key: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the server's signing key.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the public key and key id that shells pin.",
            discussion: "The key is created by the first 'catalogd serve' on the data folder.")

        @Option(help: ArgumentHelp("The data folder.", valueName: "DIR"))
        var data: String

        @Flag(help: "Print {\"keyid\", \"publicKey\"} as JSON.")
        var json = false

        func run() async throws {
            let keyring: ServerKeyring
            do {
                keyring = try ServerKeyring.load(from: URL(fileURLWithPath: data))
            } catch {
                FileHandle.standardError.write(Data("catalogd: error: \(error)\n".utf8))
                throw ExitCode(1)
            }
            let key = keyring.signingKey.verificationKey
            if json {
                print(
                    JSONValue.object(["keyid": .string(key.keyID.rawValue), "publicKey": .string(key.base64)])
                        .serialized())
            } else {
                print("public key: \(key.base64)")
                print("key id:     \(key.keyID)")
            }
        }
    }
}
