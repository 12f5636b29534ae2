import ArgumentParser
import CatalogCurl
import TermShell
import TermShellCurses

/// `termshell`: the terminal super-app.
@main
struct TermshellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "termshell",
        abstract: "The terminal mobile-banking super-app that lists, runs and recalls mini-programs.",
        discussion:
            "The screens and the sync agent arrive with their issues (README.md, \"Status\"); --libraries reports the terminal and network libraries this binary is linked against.",
        version: "0.1.0"
    )

    @Flag(help: "Print the linked ncursesw and libcurl versions and exit.")
    var libraries = false

    func run() throws {
        guard libraries else { throw CleanExit.helpRequest(self) }
        print(CursesLibrary.versionDescription)
        print(CurlLibrary.versionDescription)
    }
}
