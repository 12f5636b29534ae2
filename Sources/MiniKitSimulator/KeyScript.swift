import MiniKit

/// A sequence of keys for previews and tests: `down down enter type:沪A12345 right esc`.
///
/// Keys: `tab`/`down` (next), `shift-tab`/`up` (previous), `enter`, `left`, `right`, `esc`/`back`,
/// `bksp`; `type:TEXT` types TEXT (write `\s` for a space).
public struct KeyScript: Sendable, Hashable {
    public var inputs: [RuntimeInput]

    public init(_ inputs: [RuntimeInput]) { self.inputs = inputs }

    /// Parses a script, or throws a message naming the bad key.
    public init(parsing text: String) throws(KeyScriptError) {
        var inputs: [RuntimeInput] = []
        for token in text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" }) {
            if token.hasPrefix("type:") {
                let typed = token.dropFirst(5).replacingOccurrences(of: "\\s", with: " ")
                guard !typed.isEmpty else {
                    throw KeyScriptError(key: String(token), message: "'type:' needs text after it")
                }
                inputs += typed.map(RuntimeInput.character)
                continue
            }
            switch token.lowercased() {
            case "tab", "down": inputs.append(.focusNext)
            case "shift-tab", "backtab", "up": inputs.append(.focusPrevious)
            case "enter", "return": inputs.append(.activate)
            case "left": inputs.append(.left)
            case "right": inputs.append(.right)
            case "esc", "escape", "back": inputs.append(.back)
            case "bksp", "backspace": inputs.append(.backspace)
            default:
                throw KeyScriptError(
                    key: String(token),
                    message:
                        "unknown key '\(token)' (keys: tab, down, shift-tab, up, enter, left, right, esc, bksp, type:TEXT)"
                )
            }
        }
        self.inputs = inputs
    }
}

public struct KeyScriptError: Error, Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var message: String
    public var description: String { message }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

extension Substring {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        String(self).replacingOccurrences(of: target, with: replacement)
    }
}
