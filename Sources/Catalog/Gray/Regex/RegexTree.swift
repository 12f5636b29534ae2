/// Flags that change how a part of a pattern matches.
struct RegexFlags: Hashable, Sendable {
    var caseInsensitive = false
    var multiLine = false
    var dotMatchesNewline = false
}

/// A set of Unicode scalars described by ranges and named classes, possibly negated.
struct RegexCharacterSet: Hashable, Sendable {
    enum Item: Hashable, Sendable {
        case range(UInt32, UInt32)
        case digit, word, space
        case posix(String)
        case notDigit, notWord, notSpace
    }

    var items: [Item] = []
    var negated = false
    var caseInsensitive = false

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        var hit = containsExactly(scalar)
        if !hit && caseInsensitive {
            for variant in RegexCase.variants(of: scalar) where variant != scalar {
                if containsExactly(variant) {
                    hit = true
                    break
                }
            }
        }
        return hit != negated
    }

    private func containsExactly(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        for item in items {
            switch item {
            case .range(let low, let high): if value >= low && value <= high { return true }
            case .digit: if RegexCase.isDigit(scalar) { return true }
            case .notDigit: if !RegexCase.isDigit(scalar) { return true }
            case .word: if RegexCase.isWord(scalar) { return true }
            case .notWord: if !RegexCase.isWord(scalar) { return true }
            case .space: if RegexCase.isSpace(scalar) { return true }
            case .notSpace: if !RegexCase.isSpace(scalar) { return true }
            case .posix(let name): if RegexCase.posix(name, scalar) { return true }
            }
        }
        return false
    }
}

/// Character predicates shared by the parser and the matcher.
enum RegexCase {
    static let posixNames: Set<String> = [
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space",
        "upper", "word", "xdigit",
    ]

    /// The scalar itself and its simple lower- and upper-case mappings.
    static func variants(of scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        if scalar.isASCII {
            let v = scalar.value
            if v >= 65 && v <= 90 { return [scalar, Unicode.Scalar(v + 32)!] }
            if v >= 97 && v <= 122 { return [scalar, Unicode.Scalar(v - 32)!] }
            return [scalar]
        }
        var result = [scalar]
        for mapping in [scalar.properties.lowercaseMapping, scalar.properties.uppercaseMapping] {
            let scalars = mapping.unicodeScalars
            if scalars.count == 1, let only = scalars.first, !result.contains(only) { result.append(only) }
        }
        return result
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool {
        s.isASCII ? (s.value >= 48 && s.value <= 57) : s.properties.numericType == .decimal
    }

    static func isWord(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            let v = s.value
            return (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122) || v == 95
        }
        return s.properties.isAlphabetic || s.properties.numericType == .decimal
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        s.isASCII ? [9, 10, 11, 12, 13, 32].contains(s.value) : s.properties.isWhitespace
    }

    static func posix(_ name: String, _ s: Unicode.Scalar) -> Bool {
        guard s.isASCII else { return false }
        let v = s.value
        let upper = v >= 65 && v <= 90
        let lower = v >= 97 && v <= 122
        let digit = v >= 48 && v <= 57
        switch name {
        case "alnum": return upper || lower || digit
        case "alpha": return upper || lower
        case "ascii": return true
        case "blank": return v == 32 || v == 9
        case "cntrl": return v < 32 || v == 127
        case "digit": return digit
        case "graph": return v > 32 && v < 127
        case "lower": return lower
        case "print": return v >= 32 && v < 127
        case "punct": return (v > 32 && v < 127) && !(upper || lower || digit)
        case "space": return [9, 10, 11, 12, 13, 32].contains(v)
        case "upper": return upper
        case "word": return upper || lower || digit || v == 95
        case "xdigit": return digit || (v >= 65 && v <= 70) || (v >= 97 && v <= 102)
        default: return false
        }
    }
}

/// The parsed pattern.
indirect enum RegexNode: Hashable, Sendable {
    case empty
    case literal(Unicode.Scalar, caseInsensitive: Bool)
    case anyCharacter(dotMatchesNewline: Bool)
    case set(RegexCharacterSet)
    case lineStart(multiLine: Bool)
    case lineEnd(multiLine: Bool)
    case textStart
    case textEnd
    case wordBoundary(negated: Bool)
    case concatenation([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?)
}
