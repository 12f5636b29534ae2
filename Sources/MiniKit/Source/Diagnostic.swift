import TerminalCells

/// A problem found in a mini-program, located in its source like a compiler's message.
public struct Diagnostic: Sendable, Hashable, Error, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    public var severity: Severity
    /// A stable code for scripts and tests, such as `markup.unknown-component`.
    public var code: String
    public var message: String
    /// The file it is in; nil for problems of the package as a whole.
    public var file: SourceFile?
    public var range: SourceRange?
    /// Extra lines: what to do about it.
    public var notes: [String]

    public init(
        _ severity: Severity, code: String, _ message: String, file: SourceFile? = nil, range: SourceRange? = nil,
        notes: [String] = []
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.file = file
        self.range = range
        self.notes = notes
    }

    public static func error(
        _ code: String, _ message: String, in file: SourceFile? = nil, at range: SourceRange? = nil,
        notes: [String] = []
    ) -> Diagnostic {
        Diagnostic(.error, code: code, message, file: file, range: range, notes: notes)
    }

    public static func warning(
        _ code: String, _ message: String, in file: SourceFile? = nil, at range: SourceRange? = nil,
        notes: [String] = []
    ) -> Diagnostic {
        Diagnostic(.warning, code: code, message, file: file, range: range, notes: notes)
    }

    /// `path:line:col` when located, the path alone, or nil.
    public var location: String? {
        guard let file else { return nil }
        guard let range else { return file.path }
        let (line, column) = file.location(of: range.lowerBound)
        return "\(file.path):\(line):\(column)"
    }

    /// The diagnostic as a compiler prints it:
    ///
    /// ```
    /// error: unknown component 'buton'
    ///   --> pages/quote.mml:12:4
    ///    |
    /// 12 |   <buton bindtap="getQuote">
    ///    |    ^~~~~
    ///    = note: components are view, row, column, …
    /// ```
    public var rendered: String {
        var lines = ["\(severity.rawValue): \(message)"]
        if let file, let range {
            let (line, column) = file.location(of: range.lowerBound)
            let gutter = String(repeating: " ", count: String(line).count)
            lines.append("\(gutter)--> \(file.path):\(line):\(column)")
            lines.append("\(gutter) |")
            let sourceLine = file.line(line)
            lines.append("\(line) | \(sourceLine)")
            let (endLine, endColumn) = file.location(of: range.upperBound)
            let width = endLine == line ? max(1, endColumn - column) : max(1, sourceLine.count - column + 1)
            // Columns count characters; pad with the same characters' display so tabs stay aligned.
            let lead = sourceLine.prefix(column - 1).map {
                $0 == "\t" ? "\t" : String(repeating: " ", count: CharacterWidth.of($0))
            }.joined()
            lines.append("\(gutter) | \(lead)^\(String(repeating: "~", count: max(0, width - 1)))")
            for note in notes { lines.append("\(gutter) = note: \(note)") }
        } else {
            if let file { lines.append("  --> \(file.path)") }
            for note in notes { lines.append("  = note: \(note)") }
        }
        return lines.joined(separator: "\n")
    }

    public var description: String { rendered }
}

/// Diagnostics of one run, errors first when printed.
public struct DiagnosticList: Sendable, Hashable, Error, CustomStringConvertible {
    public var items: [Diagnostic]

    public init(_ items: [Diagnostic] = []) { self.items = items }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }
    public var errors: [Diagnostic] { items.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { items.filter { $0.severity == .warning } }

    public mutating func append(_ diagnostic: Diagnostic) { items.append(diagnostic) }
    public mutating func append(contentsOf other: [Diagnostic]) { items.append(contentsOf: other) }

    public var description: String {
        let body = items.map(\.rendered).joined(separator: "\n\n")
        let summary =
            "\(errors.count) error\(errors.count == 1 ? "" : "s"), \(warnings.count) warning\(warnings.count == 1 ? "" : "s")"
        return body.isEmpty ? summary : body + "\n\n" + summary
    }
}
