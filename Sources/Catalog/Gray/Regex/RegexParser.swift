/// Parses a pattern into a ``RegexNode`` tree, refusing what the linear-time engine cannot run.
struct RegexParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var flags: RegexFlags
    private var depth = 0
    private static let maximumNesting = 100
    private static let maximumCount = 1_000

    init(scalars: [Unicode.Scalar], flags: RegexFlags) {
        self.scalars = scalars
        self.flags = flags
    }

    mutating func parse() throws(RegexSyntaxError) -> RegexNode {
        let node = try parseAlternation()
        if position < scalars.count {
            // Only an unbalanced ')' stops the top-level alternation early.
            throw error("unmatched ')'")
        }
        return node
    }

    private func error(_ message: String, at offset: Int? = nil) -> RegexSyntaxError {
        RegexSyntaxError(offset: offset ?? position, message: message)
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func take(_ scalar: Unicode.Scalar) -> Bool {
        if current == scalar {
            position += 1
            return true
        }
        return false
    }

    private mutating func parseAlternation() throws(RegexSyntaxError) -> RegexNode {
        var branches = [try parseConcatenation()]
        while take("|") { branches.append(try parseConcatenation()) }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcatenation() throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            guard let atom = try parseAtom() else { continue }
            items.append(try parseQuantifiers(atom))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    private mutating func parseQuantifiers(_ atom: RegexNode) throws(RegexSyntaxError) -> RegexNode {
        var node = atom
        while let scalar = current {
            let start = position
            var bounds: (Int, Int?)
            switch scalar {
            case "*": position += 1; bounds = (0, nil)
            case "+": position += 1; bounds = (1, nil)
            case "?": position += 1; bounds = (0, 1)
            case "{":
                guard let counted = try parseCountedRepetition() else { return node }
                bounds = counted
            default: return node
            }
            if case .repetition = node {
                throw error("a repetition cannot directly follow another repetition; use a group", at: start)
            }
            _ = take("?")  // lazy and greedy match the same texts; only whether a match exists matters
            node = .repetition(node, min: bounds.0, max: bounds.1)
        }
        return node
    }

    /// Parses `{n}`, `{n,}` or `{n,m}`; returns nil (consuming nothing) when `{` is a literal.
    private mutating func parseCountedRepetition() throws(RegexSyntaxError) -> (Int, Int?)? {
        let start = position
        position += 1
        func number(_ parser: inout RegexParser) -> Int? {
            var digits = ""
            while let s = parser.current, s.value >= 48 && s.value <= 57, digits.count < 7 {
                digits.unicodeScalars.append(s)
                parser.position += 1
            }
            return Int(digits)
        }
        guard let low = number(&self) else {
            position = start
            return nil
        }
        var high: Int? = low
        if take(",") { high = number(&self) }
        guard take("}") else {
            position = start
            return nil
        }
        if low > Self.maximumCount || (high ?? 0) > Self.maximumCount {
            throw error("repetition count is larger than \(Self.maximumCount)", at: start)
        }
        if let high, high < low { throw error("repetition range {\(low),\(high)} is backwards", at: start) }
        return (low, high)
    }

    /// Returns nil for items that only change flags, such as `(?i)`.
    private mutating func parseAtom() throws(RegexSyntaxError) -> RegexNode? {
        let start = position
        let scalar = scalars[position]
        position += 1
        switch scalar {
        case "(": return try parseGroup(start: start)
        case "[": return .set(try parseClass(start: start))
        case ".": return .anyCharacter(dotMatchesNewline: flags.dotMatchesNewline)
        case "^": return .lineStart(multiLine: flags.multiLine)
        case "$": return .lineEnd(multiLine: flags.multiLine)
        case "\\": return try parseEscape(start: start, inClass: false).node(flags)
        case "*", "+", "?": throw error("'\(scalar)' has nothing to repeat", at: start)
        default: return .literal(scalar, caseInsensitive: flags.caseInsensitive)
        }
    }

    private mutating func parseGroup(start: Int) throws(RegexSyntaxError) -> RegexNode? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumNesting else {
            throw error("groups nest deeper than \(Self.maximumNesting)", at: start)
        }
        let saved = flags
        if take("?") {
            if take("=") || take("!") {
                throw error("look-ahead is not supported (patterns must run in linear time)", at: start)
            }
            if current == "<", position + 1 < scalars.count,
                scalars[position + 1] == "=" || scalars[position + 1] == "!"
            {
                throw error("look-behind is not supported (patterns must run in linear time)", at: start)
            }
            if take("P") || current == "<" {
                guard take("<") else { throw error("expected '<' after '(?P'", at: start) }
                while let s = current, s != ">" {
                    guard RegexCase.isWord(s) else { throw error("invalid character in a group name") }
                    position += 1
                }
                guard take(">") else { throw error("unterminated group name", at: start) }
            } else {
                // Flags: (?i) (?-i) (?im:...) (?:...)
                var enable = true
                var sawFlag = false
                while let s = current, s != ":" && s != ")" {
                    position += 1
                    switch s {
                    case "-": enable = false
                    case "i": flags.caseInsensitive = enable; sawFlag = true
                    case "m": flags.multiLine = enable; sawFlag = true
                    case "s": flags.dotMatchesNewline = enable; sawFlag = true
                    default: throw error("unknown group flag '\(s)' (supported: i, m, s)", at: position - 1)
                    }
                }
                if take(")") {
                    guard sawFlag else { throw error("empty flag group '(?)'", at: start) }
                    return nil  // flags stay in force until the end of the enclosing group
                }
                guard take(":") else { throw error("unclosed group", at: start) }
            }
        }
        let inner = try parseAlternation()
        guard take(")") else { throw error("unclosed group: missing ')'", at: start) }
        flags = saved
        // A one-item concatenation marks the group, so `(a*)*` is not mistaken for `a**`.
        if case .repetition = inner { return .concatenation([inner]) }
        return inner
    }

    private mutating func parseClass(start: Int) throws(RegexSyntaxError) -> RegexCharacterSet {
        var set = RegexCharacterSet()
        set.caseInsensitive = flags.caseInsensitive
        if take("^") { set.negated = true }
        var first = true
        while true {
            guard let scalar = current else { throw error("unclosed character class: missing ']'", at: start) }
            if scalar == "]" && !first {
                position += 1
                return set
            }
            first = false
            if scalar == "[" && position + 1 < scalars.count && scalars[position + 1] == ":" {
                let nameStart = position
                position += 2
                var negate = false
                if take("^") { negate = true }
                var name = ""
                while let s = current, s != ":" {
                    name.unicodeScalars.append(s)
                    position += 1
                    if name.count > 10 { break }
                }
                guard take(":"), take("]"), RegexCase.posixNames.contains(name) else {
                    throw error("unknown POSIX class '[:\(name):]'", at: nameStart)
                }
                if negate {
                    // [[:^alpha:]] is everything except alpha: expand as a complement range list.
                    set.items.append(contentsOf: Self.complement(of: name))
                } else {
                    set.items.append(.posix(name))
                }
                continue
            }
            let low = try classMember()
            guard case .scalar(let lowScalar) = low else {
                if case .set(let item) = low { set.items.append(item) }
                continue
            }
            if current == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                position += 1
                let rangeStart = position
                guard case .scalar(let highScalar) = try classMember() else {
                    throw error("a class range must end in a single character", at: rangeStart)
                }
                guard highScalar.value >= lowScalar.value else {
                    throw error("class range \(lowScalar)-\(highScalar) is backwards", at: rangeStart)
                }
                set.items.append(.range(lowScalar.value, highScalar.value))
            } else {
                set.items.append(.range(lowScalar.value, lowScalar.value))
            }
        }
    }

    private static func complement(of posixName: String) -> [RegexCharacterSet.Item] {
        var items: [RegexCharacterSet.Item] = []
        var runStart: UInt32? = nil
        for value in UInt32(0)...127 {
            let inClass = RegexCase.posix(posixName, Unicode.Scalar(value)!)
            if !inClass && runStart == nil { runStart = value }
            if inClass, let s = runStart {
                items.append(.range(s, value - 1))
                runStart = nil
            }
        }
        if let s = runStart { items.append(.range(s, 127)) }
        items.append(.range(128, 0x10FFFF))
        return items
    }

    private enum ClassMember {
        case scalar(Unicode.Scalar)
        case set(RegexCharacterSet.Item)
    }

    private mutating func classMember() throws(RegexSyntaxError) -> ClassMember {
        let start = position
        let scalar = scalars[position]
        position += 1
        guard scalar == "\\" else { return .scalar(scalar) }
        switch try parseEscape(start: start, inClass: true) {
        case .scalar(let s): return .scalar(s)
        case .item(let item): return .set(item)
        case .assertion: throw error("assertions such as \\b are not allowed in a class", at: start)
        }
    }

    enum Escape {
        case scalar(Unicode.Scalar)
        case item(RegexCharacterSet.Item)
        case assertion(RegexNode)

        func node(_ flags: RegexFlags) -> RegexNode {
            switch self {
            case .scalar(let s): return .literal(s, caseInsensitive: flags.caseInsensitive)
            case .item(let item):
                var set = RegexCharacterSet()
                set.items = [item]
                set.caseInsensitive = flags.caseInsensitive
                return .set(set)
            case .assertion(let node): return node
            }
        }
    }

    private mutating func parseEscape(start: Int, inClass: Bool) throws(RegexSyntaxError) -> Escape {
        guard let scalar = current else { throw error("pattern ends with a lone '\\'", at: start) }
        position += 1
        switch scalar {
        case "d": return .item(.digit)
        case "D": return .item(.notDigit)
        case "w": return .item(.word)
        case "W": return .item(.notWord)
        case "s": return .item(.space)
        case "S": return .item(.notSpace)
        case "n": return .scalar("\n")
        case "t": return .scalar("\t")
        case "r": return .scalar("\r")
        case "f": return .scalar("\u{0C}")
        case "v": return .scalar("\u{0B}")
        case "a": return .scalar("\u{07}")
        case "b": return .assertion(.wordBoundary(negated: false))
        case "B": return .assertion(.wordBoundary(negated: true))
        case "A": return .assertion(.textStart)
        case "z": return .assertion(.textEnd)
        case "x": return .scalar(try parseHexEscape(start: start))
        case "1"..."9":
            throw error("back-references are not supported (patterns must run in linear time)", at: start)
        case "p", "P":
            throw error("Unicode property classes (\\p) are not supported; use [...] or POSIX classes", at: start)
        default:
            if scalar.isASCII && (RegexCase.isWord(scalar)) {
                throw error("unknown escape '\\\(scalar)'", at: start)
            }
            return .scalar(scalar)
        }
    }

    private mutating func parseHexEscape(start: Int) throws(RegexSyntaxError) -> Unicode.Scalar {
        var digits = ""
        if take("{") {
            while let s = current, s != "}" {
                digits.unicodeScalars.append(s)
                position += 1
                if digits.count > 8 { break }
            }
            guard take("}") else { throw error("unterminated \\x{...} escape", at: start) }
        } else {
            for _ in 0..<2 {
                guard let s = current else { break }
                digits.unicodeScalars.append(s)
                position += 1
            }
        }
        guard let value = UInt32(digits, radix: 16), let result = Unicode.Scalar(value) else {
            throw error("invalid hexadecimal escape '\\x\(digits)'", at: start)
        }
        return result
    }
}
