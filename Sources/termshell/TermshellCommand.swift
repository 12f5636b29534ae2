import ArgumentParser
import Catalog
import CatalogCurl
import Foundation
import MiniKit
import MiniSupport
import ShellAgent
import TermShell
import TermShellCurses
import TermShellRuntime

/// `termshell`: the terminal super-app.
@main
struct TermshellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "termshell",
        abstract: "The terminal mobile-banking super-app that lists, runs and recalls mini-programs.",
        discussion: """
            Without --headless it opens the screens on this terminal: sign in as a demo customer from seeds/bank.json and see the accounts; with --server, --host, --host-key and --user-key (and --server-key on first use) the service centre lists the user's verified catalog, Enter opens a mini-program in the container (the host's navigation bar, consent and payment dialogs), settings manage permissions and storage, F2 shows the QA panel, and a recall closes the mini-program with a notice. --lang en|zh (default from LANG); NO_COLOR is respected; ? lists the keys.

            --script FILE plays a QA scenario headless (docs/SCENARIOS.md): exit 0 when every step passes, 1 with the failing step and the screen.

            --headless runs the sync agent without a screen and prints one JSON line per event: enrolled, synced, installed, delisted-and-purged, refused, expired, acknowledged, key-rotated, connected, disconnected. It runs until SIGINT or SIGTERM (exit 0), or with --once syncs once and exits 0 when a catalog verified, 1 otherwise.

            On first start the shell makes a device key (DIR/device.key, mode 0600) and enrols with the host key; from then on it is that device, and its acknowledgements are signed with the device key. The host key may come from TERMSHELL_HOST_KEY; the server key is pinned in the data folder on first use, and when the operators rotate it the shell follows the rotation statements signed by the old and the new key (a key-rotated line).

            The catalog is the one of the user the host's backend vouches for: --user-assertion FILE holds the backend's signed assertion (read again at each sync), or --user-key FILE signs one with the host's user-signing key, as the demo's sign-in does (catalogd --seed writes DATA/user-keys/HOST.key). With --user-key the --property values are vouched for; with --user-assertion they are stated in the query, and catalogd takes only those the host declares client-supplied. Exit codes: 0 success; 1 the sync failed (--once), a scenario step failed, or the agent cannot start; 2 usage error.
            """,
        version: "0.1.0"
    )

    /// Runs with the project's exit codes: 1 for failures, 2 for usage errors.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
            Foundation.exit(2)
        }
    }

    @Flag(help: "Print the linked ncursesw and libcurl versions and exit.")
    var libraries = false

    @Flag(help: "Run the sync agent without a screen, printing JSON lines.")
    var headless = false

    @Flag(help: "With --headless: sync once, acknowledge, print, and exit.")
    var once = false

    @Option(help: ArgumentHelp("The catalogd URL.", valueName: "URL"))
    var server: String?

    @Option(help: ArgumentHelp("The host app this shell is.", valueName: "HOST"))
    var host: String?

    @Option(help: ArgumentHelp("The signed-in user.", valueName: "ID"))
    var user: String?

    @Option(
        help: ArgumentHelp(
            "The host app's key, which enrols this installation as a device (or TERMSHELL_HOST_KEY).", valueName: "KEY")
    )
    var hostKey: String?

    @Option(
        help: ArgumentHelp(
            "The server's public key to pin (base64, from 'catalogd key show'); needed on first use.",
            valueName: "BASE64"))
    var serverKey: String?

    @Option(
        help: ArgumentHelp(
            "The host's user-signing private key: the shell plays the host's backend and vouches for the user (catalogd --seed writes DATA/user-keys/HOST.key).",
            valueName: "FILE"))
    var userKey: String?

    @Option(
        help: ArgumentHelp(
            "With --headless: a signed user assertion from the host's backend (read again at each sync), instead of --user-key.",
            valueName: "FILE"))
    var userAssertion: String?

    @Option(
        name: .customLong("property"),
        help: ArgumentHelp(
            "A user property for gray rules, NAME=VALUE (repeatable): vouched for with --user-key, stated in the query with --user-assertion.",
            valueName: "NAME=VALUE"))
    var properties: [String] = []

    @Option(help: ArgumentHelp("The shell's data folder.", valueName: "DIR"))
    var data: String?

    @Option(help: ArgumentHelp("The screens' language: en or zh (default: from LANG).", valueName: "LANG"))
    var lang: String?

    @Option(help: ArgumentHelp("The demo banking data.", valueName: "FILE"))
    var bank: String = "seeds/bank.json"

    @Option(
        help: ArgumentHelp(
            "Play a QA scenario on the screens without a terminal (docs/SCENARIOS.md); exit 0 when every step passes.",
            valueName: "FILE"))
    var script: String?

    @Option(help: ArgumentHelp("The screen size for --script.", valueName: "WxH"))
    var size: String = "100x30"

    @Option(
        help: ArgumentHelp(
            "Replies for mini-programs' network requests: a *.fixtures.json file or a folder of them (the demo has no partner servers).",
            valueName: "PATH"))
    var fixtures: String = "sample-apps"

    /// `--host-key`, else `TERMSHELL_HOST_KEY`.
    var resolvedHostKey: String? { hostKey ?? ProcessInfo.processInfo.environment["TERMSHELL_HOST_KEY"] }

    /// `--data`, else the per-user default.
    var dataDirectory: URL { data.map { URL(fileURLWithPath: $0) } ?? Self.defaultDataDirectory }

    /// `--size` as numbers, or nil when it is not WIDTHxHEIGHT within bounds.
    var screenSize: (width: Int, height: Int)? {
        let parts = size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, (20...500).contains(parts[0]), (8...200).contains(parts[1]) else { return nil }
        return (parts[0], parts[1])
    }

    /// The `--user-key` file's private key, or a message that names the file.
    func readUserKey(_ path: String) throws -> SigningKey {
        do {
            return try KeyFiles.readSigningKey(at: URL(fileURLWithPath: path))
        } catch {
            throw KeyError.file("--user-key \(path): \(error)")
        }
    }

    /// The `--server-key` to pin, if given.
    func trustedKeys() throws -> [VerificationKey] {
        try serverKey.map { [try VerificationKey(base64: $0)] } ?? []
    }

    private static func isServerURL(_ text: String) -> Bool {
        guard let url = URL(string: text) else { return false }
        return (url.scheme == "http" || url.scheme == "https") && url.host != nil
    }

    func validate() throws {
        if let lang, UILanguage(argument: lang) == nil { throw ValidationError("--lang: en or zh, not '\(lang)'") }
        if script != nil && headless {
            throw ValidationError("--script plays the screens; it does not go with --headless")
        }
        guard screenSize != nil else { throw ValidationError("--size: WIDTHxHEIGHT, such as 100x30") }
        guard headless else {
            if once || user != nil {
                throw ValidationError("--once and --user go with --headless (on the screens, the user signs in)")
            }
            if userAssertion != nil {
                throw ValidationError("--user-assertion goes with --headless (on the screens, the sign-in signs it)")
            }
            if let server {
                guard Self.isServerURL(server) else {
                    throw ValidationError("--server: a URL such as http://127.0.0.1:8080")
                }
                guard host != nil else { throw ValidationError("--server needs --host HOST") }
                guard resolvedHostKey != nil else {
                    throw ValidationError("--server needs --host-key KEY (or TERMSHELL_HOST_KEY)")
                }
                guard userKey != nil else {
                    throw ValidationError(
                        "--server needs --user-key FILE: the sign-in vouches for the customer with the host's user-signing key (catalogd --seed writes DATA/user-keys/HOST.key)"
                    )
                }
            }
            return
        }
        guard let server, Self.isServerURL(server) else {
            throw ValidationError("--headless needs --server URL, such as http://127.0.0.1:8080")
        }
        guard let host, !host.isEmpty else { throw ValidationError("--headless needs --host HOST") }
        guard let user, (1...128).contains(user.count) else { throw ValidationError("--headless needs --user ID") }
        guard resolvedHostKey != nil else {
            throw ValidationError("--headless needs --host-key KEY (or TERMSHELL_HOST_KEY)")
        }
        guard (userKey == nil) != (userAssertion == nil) else {
            throw ValidationError(
                "--headless needs the user's assertion: --user-assertion FILE from the host's backend, or --user-key FILE to sign one"
            )
        }
        for property in properties where !property.contains("=") {
            throw ValidationError("--property \(property): write NAME=VALUE")
        }
        if let serverKey, (try? VerificationKey(base64: serverKey)) == nil {
            throw ValidationError("--server-key: not a base64 Ed25519 public key (catalogd key show prints it)")
        }
    }

    func run() async throws {
        guard headless else {
            if libraries {
                print(CursesLibrary.versionDescription)
                print(CurlLibrary.versionDescription)
                return
            }
            if let script {
                try runScript(script)
            } else {
                try runScreens()
            }
            return
        }
        let directory = dataDirectory
        let agent: SyncAgent
        let transport = CurlTransport()
        do {
            let store = try ShellStore(directory: directory)
            var context: [String: String] = [:]
            for property in properties {
                let parts = property.split(separator: "=", maxSplits: 1).map(String.init)
                context[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            let source: UserAssertionSource
            if let userKey {
                // The shell stands in for the host's backend: the properties are vouched for.
                source = .signer(try readUserKey(userKey), properties: context)
                context = [:]
            } else {
                source = .file(URL(fileURLWithPath: userAssertion!))
            }
            agent = try SyncAgent(
                configuration: AgentConfiguration(
                    server: server!, hostId: host!, hostKey: resolvedHostKey!, userId: user!, userAssertion: source,
                    properties: context, trustedKeys: try trustedKeys()),
                transport: transport, store: store)
        } catch AgentError.noTrustedKey {
            throw Self.noPinnedKey(directory)
        } catch {
            FileHandle.standardError.write(Data("termshell: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let write: @Sendable (String) -> Void = { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        if once {
            let status = await HeadlessRunner.once(agent, write: write)
            if status != 0 { throw ExitCode(status) }
            return
        }
        let task = Task { await HeadlessRunner.run(agent, write: write) }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { task.cancel() }
        await task.value
        signals.cancel()
    }

    /// No `--server-key` and none pinned in the data folder: a usage error (exit 2) that says the fix.
    static func noPinnedKey(_ directory: URL) -> ExitCode {
        FileHandle.standardError.write(
            Data(
                "termshell: error: no server key is pinned in '\(directory.path)' yet: pass --server-key KEY on first use ('catalogd key show' prints it)\n"
                    .utf8))
        return ExitCode(2)
    }

    /// A scenario against the screens in memory and the real agent; the transcript goes to standard output.
    func runScript(_ path: String) throws {
        let scenario: Scenario
        do {
            scenario = try Scenario.parse(try String(contentsOfFile: path, encoding: .utf8))
        } catch let error as Scenario.ParseError {
            FileHandle.standardError.write(Data("termshell: error: \(path):\(error.line): \(error.message)\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("termshell: error: cannot read \(path): \(error)\n".utf8))
            throw ExitCode(1)
        }
        let (demo, language, session) = try prepare()
        defer { session?.stop() }
        let screen = screenSize!  // checked in validate()
        var runner = ScenarioRunner(
            state: ShellState(language: language, bank: demo, width: screen.width, height: screen.height),
            session: session)
        let failure = runner.run(scenario)
        print(runner.transcript.joined(separator: "\n"))
        if let failure {
            FileHandle.standardError.write(Data("termshell: scenario failed at \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The demo bank, the language and (with --server) a sync session.
    func prepare() throws -> (DemoBank, UILanguage, ShellSession?) {
        let demo: DemoBank
        do {
            demo = try DemoBank.load(try Data(contentsOf: URL(fileURLWithPath: bank)))
        } catch {
            FileHandle.standardError.write(
                Data("termshell: error: cannot read the demo bank '\(bank)': \(error) (pass --bank FILE)\n".utf8))
            throw ExitCode(1)
        }
        let environment = ProcessInfo.processInfo.environment
        let language = lang.flatMap(UILanguage.init(argument:)) ?? UILanguage.fromEnvironment(environment)
        var session: ShellSession?
        if let server, let host {
            let directory = dataDirectory
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                session = try ShellSession(
                    configuration: ShellSession.Configuration(
                        server: server, hostId: host,
                        hostKey: resolvedHostKey ?? "", userSigningKey: try readUserKey(userKey ?? ""),
                        serverKeys: try trustedKeys(),
                        dataDirectory: directory,
                        fixtures: try Self.loadFixtures(fixtures)),
                    transport: CurlTransport())
            } catch AgentError.noTrustedKey {
                throw Self.noPinnedKey(directory)
            } catch {
                FileHandle.standardError.write(Data("termshell: error: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        return (demo, language, session)
    }

    /// The interactive super-app on this terminal.
    func runScreens() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            FileHandle.standardError.write(
                Data("termshell: error: the screens need a terminal; for scripts use --headless or --script\n".utf8))
            throw ExitCode(1)
        }
        let (demo, language, session) = try prepare()
        let environment = ProcessInfo.processInfo.environment
        let terminal = CursesTerminal(colors: environment["NO_COLOR"].map(\.isEmpty) ?? true)
        defer {
            session?.stop()
            terminal.close()
        }
        let size = terminal.size
        var problem: String?
        ShellLoop.run(
            terminal, state: ShellState(language: language, bank: demo, width: size.width, height: size.height),
            news: { session?.drain() ?? [] }
        ) { effect in
            if let trouble = session?.carryOut(effect, screen: terminal.size) { problem = trouble }
        }
        if let problem { FileHandle.standardError.write(Data("termshell: \(problem)\n".utf8)) }
    }

    /// Replies from a fixtures file, or every `*.fixtures.json` of a folder (none when the path is missing).
    static func loadFixtures(_ path: String) throws -> [String: MiniValue] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return [:] }
        let files =
            isFolder.boolValue
            ? try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".fixtures.json") }
                .sorted()
                .map { URL(fileURLWithPath: path).appendingPathComponent($0) }
            : [URL(fileURLWithPath: path)]
        var replies: [String: MiniValue] = [:]
        for file in files.prefix(100) {
            let data = try Data(contentsOf: file)
            guard data.count <= 1 << 20, case .object(let members) = try MiniValue.parse(data) else {
                throw ValidationError(
                    "\(file.path): a JSON object of at most 1 MiB mapping \"METHOD URL\" to a reply body")
            }
            replies.merge(members) { first, _ in first }
        }
        return replies
    }

    static var defaultDataDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        let base =
            environment["XDG_DATA_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
        return base.appendingPathComponent("termshell")
    }
}

/// Runs a handler when one of the signals arrives (the default action is suppressed meanwhile).
final class SignalWatcher: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []

    init(signals: [Int32], handler: @escaping @Sendable () -> Void) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            sources.append(source)
        }
    }

    func cancel() { for source in sources { source.cancel() } }
}
