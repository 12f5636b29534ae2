import ArgumentParser
import CatalogServer

/// `catalogd`: the management platform's server.
@main
struct CatalogdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogd",
        abstract: "The mini-program management platform: review, gray release, delisting, signed sync API.",
        discussion: """
            The server's commands (serve, key show) arrive with the platform issue; this build carries the
            catalog model they serve. See README.md for what is built so far.
            """,
        version: CatalogServerVersion.current
    )
}
