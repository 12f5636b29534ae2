import ArgumentParser
import Foundation
import MiniKit
import MiniKitSimulator
import MiniSupport
import TerminalCells

struct Preview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a mini-program headless and print its screen: the partner's simulator.",
        discussion: """
            Runs the mini-program with a scripted host — consent answered yes unless --deny names the scope,
            payments confirmed unless --decline-payment, modals confirmed unless --cancel-modals, in-memory
            storage, and network replies only from --fixtures (a JSON object mapping "METHOD URL" or "URL" to
            the reply body) — applies the keys, and prints the screen as text.

            Keys (space separated): tab/down, shift-tab/up, enter, left, right, esc, bksp, type:TEXT (\\s is a space).
            Example: minictl preview sample-apps/car-insurance --keys 'type:沪A12345 down down down enter' --events
            """
    )

    @Argument(help: ArgumentHelp("A mini-program folder or package file.", valueName: "PATH"))
    var path: String

    @Option(help: ArgumentHelp("The page to open instead of the entry page.", valueName: "NAME"))
    var page: String?

    @Option(help: ArgumentHelp("The query the page is opened with, as a JSON object.", valueName: "JSON"))
    var query: String?

    @Option(help: ArgumentHelp("Screen size, WIDTHxHEIGHT, including the navigation bar.", valueName: "WxH"))
    var size: String = "80x24"

    @Option(help: ArgumentHelp("Keys to press.", valueName: "KEYS"))
    var keys: String = ""

    @Option(help: ArgumentHelp("Canned network replies (JSON object).", valueName: "FILE"))
    var fixtures: String?

    @Option(
        name: .customLong("deny"),
        help: ArgumentHelp("Answer no when asked for this scope (repeatable).", valueName: "SCOPE"))
    var deniedScopes: [String] = []

    @Option(
        name: .customLong("withhold"),
        help: ArgumentHelp("Do not grant this declared scope, as a catalog might (repeatable).", valueName: "SCOPE"))
    var withheldScopes: [String] = []

    @Flag(help: "Decline payments.")
    var declinePayment = false

    @Flag(help: "Answer modals with Cancel.")
    var cancelModals = false

    @Flag(
        help: "After the screen, print what the host was asked and told (toasts, consent, payments, requests, audit).")
    var events = false

    func validate() throws {
        guard parsedSize != nil else {
            throw ValidationError("--size must be WIDTHxHEIGHT between 20x5 and 400x200, such as 80x24")
        }
        for scope in deniedScopes + withheldScopes where HostAPI.Scope(rawValue: scope) == nil {
            throw ValidationError(
                "unknown scope '\(scope)' (scopes: \(HostAPI.Scope.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        do {
            _ = try KeyScript(parsing: keys)
        } catch {
            throw ValidationError("--keys: \(error.message)")
        }
    }

    private var parsedSize: (Int, Int)? {
        let parts = size.lowercased().split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), (20...400).contains(width),
            (5...200).contains(height)
        else { return nil }
        return (width, height)
    }

    func run() async throws {
        let result = MiniProgram.load(contentsOf: URL(fileURLWithPath: path))
        guard let program = result.program else {
            FileHandle.standardError.write(Data((result.diagnostics.description + "\n").utf8))
            throw ExitCode(1)
        }
        var replies: [String: MiniValue] = [:]
        if let fixtures {
            let data = try readFile(fixtures, what: "fixtures file")
            guard case .object(let members)? = try? JSONDecoder().decode(MiniValue.self, from: data) else {
                throw CommandFailure("\(fixtures): expected a JSON object mapping \"METHOD URL\" to a reply body")
            }
            replies = members
        }
        var startQuery = MiniValue.object([:])
        if let query {
            guard case .object? = try? JSONDecoder().decode(MiniValue.self, from: Data(query.utf8)) else {
                throw CommandFailure("--query: expected a JSON object, such as {\"id\": \"42\"}")
            }
            startQuery = (try? JSONDecoder().decode(MiniValue.self, from: Data(query.utf8))) ?? .object([:])
        }
        if let page, !program.hasPage(page) {
            throw CommandFailure(
                "page '\(page)' is not in the manifest (pages: \(program.manifest.pages.joined(separator: ", ")))")
        }
        let (width, height) = parsedSize!
        let host = SimulatorHost(
            consentAnswers: Dictionary(
                uniqueKeysWithValues: deniedScopes.compactMap { HostAPI.Scope(rawValue: $0) }.map { ($0, false) }),
            paymentsSucceed: !declinePayment, modalAnswer: !cancelModals, fixtures: replies)
        let script = try KeyScript(parsing: keys)
        let openingQuery = startQuery
        let withheld = Set(withheldScopes.compactMap { HostAPI.Scope(rawValue: $0) })
        let output = await { () async -> String in
            var session = PreviewSession(
                program: program, host: host, width: width, height: height, withheldScopes: withheld)
            await session.start(page: page, query: openingQuery)
            await session.press(script)
            var text = session.screen().text + "\n"
            if events {
                text += "--- host ---\n"
                for event in await host.events { text += "\(event)\n" }
            }
            return text
        }()
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}
