import Foundation
import MiniKit
import MiniSupport
import TermShell

/// A QA walkthrough: keys to press, text to wait for or expect on screen, operations commands to run, and
/// snapshots for the transcript. The format is in docs/SCENARIOS.md.
public struct Scenario: Sendable {
    public enum Step: Sendable, Hashable {
        /// Keys by name: `down`, `enter`, `esc`, `f2`, `ctrl-d`, `/`, a single character…
        case keys([Key])
        /// Text typed character by character.
        case type(String)
        /// Waits until the screen shows the text (the agent's news keep arriving meanwhile).
        case wait(String, seconds: Double)
        case expect(String)
        case absent(String)
        /// A shell command (operations: `minictl delist …`); it must exit 0.
        case run(String)
        /// The screen, into the transcript.
        case snapshot
        /// The terminal changes size (`resize 60x16`), as when the user resizes the window.
        case resize(width: Int, height: Int)
        /// Waits until the shell's connection is in this state, whatever the screen's language.
        case connection(Connection, seconds: Double)
    }

    /// What `connection` waits for.
    public enum Connection: String, Sendable, Hashable, CaseIterable {
        /// Connected, with a verified service list.
        case online
        /// Not connected (the list it holds may still be valid).
        case offline
        /// The list expired without a refresh: launching is refused.
        case expired
    }

    /// The largest screen `resize` sets.
    public static let maximumSize = 1_000

    public struct Line: Sendable, Hashable {
        public var number: Int
        public var step: Step
        public var text: String
    }

    public var lines: [Line]

    /// A step that cannot be read, with its line.
    public struct ParseError: Error, Hashable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    public static let maximumSteps = 1_000

    /// Reads a scenario; `#` starts a comment; blank lines are skipped.
    public static func parse(_ text: String) throws(ParseError) -> Scenario {
        var lines: [Line] = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .enumerated()
        {
            let line = String(raw.trimmingWhitespace())
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard lines.count < maximumSteps else {
                throw ParseError(line: index + 1, message: "at most \(maximumSteps) steps")
            }
            let (word, rest) = Self.split(line)
            /// The step's text, which it needs.
            func required(_ what: String) throws(ParseError) -> String {
                guard !rest.isEmpty else { throw ParseError(line: index + 1, message: "\(word) needs \(what)") }
                return rest
            }
            let step: Step
            switch word {
            case "key", "keys":
                var keys: [Key] = []
                for name in rest.split(separator: " ") {
                    guard let key = Self.key(String(name)) else {
                        throw ParseError(
                            line: index + 1,
                            message:
                                "unknown key '\(name)' (up, down, left, right, enter, esc, tab, backtab, backspace, space, f1…f12, ctrl-a…ctrl-z, or one character)"
                        )
                    }
                    keys.append(key)
                }
                guard !keys.isEmpty else { throw ParseError(line: index + 1, message: "key needs at least one key") }
                step = .keys(keys)
            case "type":
                step = .type(try required("text"))
            case "wait":
                let (text, seconds) = try Self.waitText(rest, line: index + 1)
                guard !text.isEmpty else { throw ParseError(line: index + 1, message: "wait needs text") }
                step = .wait(text, seconds: seconds)
            case "expect":
                step = .expect(try required("text"))
            case "absent":
                step = .absent(try required("text"))
            case "run":
                step = .run(try required("a command"))
            case "snapshot":
                step = .snapshot
            case "resize":
                let parts = try required("a size such as 80x24").split(separator: "x", omittingEmptySubsequences: false)
                guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
                    (1...maximumSize).contains(width), (1...maximumSize).contains(height)
                else {
                    throw ParseError(
                        line: index + 1,
                        message: "resize takes WIDTHxHEIGHT, each 1 to \(maximumSize), such as 80x24, not '\(rest)'")
                }
                step = .resize(width: width, height: height)
            case "connection":
                let (name, seconds) = try Self.waitText(rest, line: index + 1)
                guard let state = Connection(rawValue: name) else {
                    throw ParseError(
                        line: index + 1,
                        message:
                            "connection takes \(Connection.allCases.map(\.rawValue).joined(separator: ", ")), not '\(name)'"
                    )
                }
                step = .connection(state, seconds: seconds)
            default:
                throw ParseError(
                    line: index + 1,
                    message:
                        "unknown step '\(word)' (key, type, wait, expect, absent, run, snapshot, resize, connection)")
            }
            lines.append(Line(number: index + 1, step: step, text: line))
        }
        return Scenario(lines: lines)
    }

    private static func split(_ line: String) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (line, "") }
        return (String(line[..<space]), String(line[line.index(after: space)...].trimmingWhitespace()))
    }

    /// `TEXT within Ns`: the text and how long to wait for it (10 s without `within`; at most 120 s). The last
    /// ` within ` followed by a number counts, so the text may contain the word.
    private static func waitText(_ rest: String, line: Int) throws(ParseError) -> (String, Double) {
        let marker = " within "
        var start = rest.endIndex
        while start > rest.startIndex {
            start = rest.index(before: start)
            guard rest[start...].hasPrefix(marker) else { continue }
            let duration = rest[rest.index(start, offsetBy: marker.count)...]
            guard let seconds = Double(duration.hasSuffix("s") ? duration.dropLast() : duration) else { break }
            guard seconds > 0, seconds <= 120 else {
                throw ParseError(
                    line: line, message: "wait takes more than 0 and at most 120 seconds, not '\(duration)'")
            }
            return (String(rest[..<start]), seconds)
        }
        return (rest, 10)
    }

    static func key(_ name: String) -> Key? {
        let lowered = name.lowercased()
        switch lowered {
        case "up": return .up
        case "down": return .down
        case "left": return .left
        case "right": return .right
        case "enter", "return": return .enter
        case "esc", "escape": return .escape
        case "tab": return .tab
        case "backtab", "shift-tab": return .backTab
        case "backspace", "bksp": return .backspace
        case "space": return .character(" ")
        default: break
        }
        if lowered.hasPrefix("f"), let number = Int(lowered.dropFirst()), (1...12).contains(number) {
            return .function(number)
        }
        if lowered.hasPrefix("ctrl-"), lowered.count == 6, let letter = lowered.last, letter.isLetter {
            return .control(letter)
        }
        if name.count == 1, let character = name.first { return .character(character) }
        return nil
    }
}
