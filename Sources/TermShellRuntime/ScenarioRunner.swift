import Foundation
import MiniKit
import MiniSupport
import TermShell
import TerminalCells

/// Plays a scenario against the screens (in memory, no terminal) and the real sync agent; writes a
/// transcript. Passes when every step does.
public struct ScenarioRunner {
    public var state: ShellState
    public let session: ShellSession?
    /// Environment for `run` steps (the server's URL and an operations token, say).
    public var environment: [String: String]
    private(set) public var transcript: [String] = []
    /// A `run` step's command that takes longer is stopped, with its process group, and the step fails.
    public static let commandTimeLimit = 120

    public init(state: ShellState, session: ShellSession?, environment: [String: String] = [:]) {
        self.state = state
        self.session = session
        self.environment = environment
    }

    /// Runs every step; returns nil when all pass, or the failure (its line and why).
    public mutating func run(_ scenario: Scenario) -> String? {
        for line in scenario.lines {
            transcript.append("> \(line.text)")
            if let failure = perform(line.step) {
                transcript.append("FAILED at line \(line.number): \(failure)")
                transcript.append(screen)
                return "line \(line.number) (\(line.text)): \(failure)"
            }
        }
        transcript.append("passed: \(scenario.lines.count) steps")
        return nil
    }

    private var screen: String { ShellView.render(state).text }

    private mutating func perform(_ step: Scenario.Step) -> String? {
        absorbNews()
        switch step {
        case .keys(let keys):
            for key in keys { apply(.key(key)) }
        case .type(let text):
            for character in text { apply(.key(.character(character))) }
        case .wait(let text, let seconds):
            if !waitUntil(seconds, { $0.screen.contains(text) }) {
                return "'\(text)' did not appear within \(seconds) s"
            }
        case .connection(let wanted, let seconds):
            if !waitUntil(seconds, { Self.connection($0.state.sync) == wanted }) {
                return "the connection was not \(wanted.rawValue) within \(seconds) s (it is \(state.sync))"
            }
        case .resize(let width, let height):
            apply(.resized(width: width, height: height))
        case .expect(let text):
            if !screen.contains(text) { return "the screen does not show '\(text)'" }
        case .absent(let text):
            if screen.contains(text) { return "the screen still shows '\(text)'" }
        case .run(let command):
            let outcome: ScenarioCommand.Outcome
            do {
                outcome = try ScenarioCommand(
                    command: command, environment: environment, timeLimit: .seconds(Self.commandTimeLimit)
                ).run()
            } catch {
                return "\(error)"
            }
            transcript.append(String(outcome.output.trimmingWhitespace()))
            if outcome.timedOut { return "the command ran past \(Self.commandTimeLimit) s and was stopped" }
            guard let status = outcome.status else { return "the command was killed by a signal" }
            if status != 0 { return "the command exited \(status)" }
        case .snapshot:
            transcript.append(screen)
        }
        return nil
    }

    /// Polls the state (taking the agent's news) until the condition holds or the time is up.
    private mutating func waitUntil(_ seconds: Double, _ condition: (Self) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition(self) {
            guard Date() < deadline else { return false }
            Thread.sleep(forTimeInterval: 0.02)
            absorbNews()
        }
        return true
    }

    /// The connection as `connection` steps name it; nil while syncing or without a server.
    static func connection(_ sync: ShellState.SyncStatus) -> Scenario.Connection? {
        switch sync {
        case .current: .online
        case .disconnected: .offline
        case .expired: .expired
        case .offline, .syncing: nil
        }
    }

    private mutating func absorbNews() {
        for action in session?.drain() ?? [] { apply(action) }
    }

    private mutating func apply(_ action: ShellAction) {
        for effect in ShellReducer.reduce(&state, action) {
            session?.carryOut(effect, screen: (state.width, state.height))
        }
    }
}
