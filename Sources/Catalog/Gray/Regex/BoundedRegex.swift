/// A regular expression with RE2 semantics: matching time is linear in the input, whatever the pattern.
///
/// Gray-release constraints carry operator-written patterns that run on every evaluation, so a pattern must
/// never be able to take exponential time (ReDoS). Like RE2 and Rust's `regex`, this engine has no
/// look-around and no back-references (patterns using them are refused), and runs a Thompson NFA
/// simulation, so the cost of a match is bounded by `pattern size × input length`.
///
/// Supported: literals and escapes, `.`, classes `[...]` with ranges, negation and POSIX names
/// (`[[:alpha:]]`), `\d \w \s \D \W \S`, anchors `^ $ \A \z`, `\b \B`, groups `( )`, `(?: )`, named groups,
/// alternation, `* + ? {n} {n,} {n,m}` (greedy or lazy), and the flags `i`, `m`, `s` (inline `(?i)` or
/// scoped `(?i: )`).
public struct BoundedRegex: Sendable, Hashable {
    /// The longest pattern accepted, in Unicode scalars.
    public static let maximumPatternLength = 1_024
    /// The largest compiled program accepted, in instructions (counted repetitions expand).
    public static let maximumProgramSize = 20_000

    /// The pattern as written.
    public let pattern: String
    let program: RegexProgram

    /// Compiles a pattern, or throws a ``RegexSyntaxError`` that names the position and the problem.
    public init(_ pattern: String, caseInsensitive: Bool = false) throws(RegexSyntaxError) {
        let scalars = Array(pattern.unicodeScalars)
        guard scalars.count <= Self.maximumPatternLength else {
            throw RegexSyntaxError(
                offset: Self.maximumPatternLength,
                message: "pattern is longer than \(Self.maximumPatternLength) characters")
        }
        var parser = RegexParser(scalars: scalars, flags: RegexFlags(caseInsensitive: caseInsensitive))
        let tree = try parser.parse()
        self.pattern = pattern
        self.program = try RegexCompiler.compile(tree, limit: Self.maximumProgramSize)
    }

    /// The longest text a pattern is tested against, in Unicode scalars; longer text never matches.
    public static let maximumSubjectLength = 4_096

    /// True when the pattern matches anywhere in `text` (never for text over ``maximumSubjectLength``).
    public func matches(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard scalars.count <= Self.maximumSubjectLength else { return false }
        return RegexMatcher(program: program).search(Array(scalars))
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.pattern == rhs.pattern && lhs.program == rhs.program }
    public func hash(into hasher: inout Hasher) { hasher.combine(pattern) }
}

/// A pattern that cannot be compiled: where (scalar offset in the pattern) and why.
public struct RegexSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Offset in Unicode scalars from the start of the pattern.
    public var offset: Int
    /// What is wrong.
    public var message: String

    public var description: String { "\(message) (at offset \(offset))" }
}
