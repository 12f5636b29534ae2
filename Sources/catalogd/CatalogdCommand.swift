import ArgumentParser
import CatalogServer

/// `catalogd`: the management platform's server.
@main
struct CatalogdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogd",
        abstract: "The mini-program management platform: review, gray release, delisting, signed sync API.",
        discussion:
            "Serving (serve, key show) arrives with the platform issue; this build carries the catalog model it serves. See README.md, \"Status\".",
        version: CatalogServerVersion.current
    )
}
