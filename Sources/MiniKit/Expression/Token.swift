import Foundation
import MiniSupport

/// A token of the expression and logic languages.
public struct Token: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case number(Double)
        case string(String)
        case identifier(String)
        /// Operators and punctuation: `+ - * / % == != < <= > >= && || ! ? : . , ; ( ) [ ] { } =`.
        case symbol(Symbol)
        case end
    }

    /// An operator or punctuation mark: compared as a small enum, not as text.
    public enum Symbol: String, Sendable, Hashable, CaseIterable {
        case plus = "+"
        case minus = "-"
        case star = "*"
        case slash = "/"
        case percent = "%"
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case equal = "=="
        case notEqual = "!="
        case and = "&&"
        case or = "||"
        case not = "!"
        case question = "?"
        case colon = ":"
        case dot = "."
        case comma = ","
        case semicolon = ";"
        case openParen = "("
        case closeParen = ")"
        case openBracket = "["
        case closeBracket = "]"
        case openBrace = "{"
        case closeBrace = "}"
        case assign = "="
    }

    public var kind: Kind
    /// Byte offsets in the file the text came from.
    public var range: SourceRange

    /// The token as written in messages: `'+'`, `identifier 'plate'`, `end of input`.
    public var display: String {
        switch kind {
        case .number(let value): return "number \(MiniValue.format(value))"
        case .string: return "a string"
        case .identifier(let name): return "'\(name)'"
        case .symbol(let symbol): return "'\(symbol.rawValue)'"
        case .end: return "end of input"
        }
    }
}

/// Splits expression and logic text into tokens. Offsets are file offsets, so expressions found inside a
/// markup attribute report positions in the markup file.
public struct Lexer {
    private let bytes: [UInt8]
    private var position: Int
    private let end: Int

    /// Lexes `bytes[start..<end]`, reporting offsets as file offsets.
    public init(bytes: [UInt8], start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = end ?? bytes.count
    }

    /// `+-*/%<>!?:.,;()[]{}=&|`
    private static func isSymbol(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x2B, 0x2D, 0x2A, 0x2F, 0x25, 0x3C, 0x3E, 0x21, 0x3F, 0x3A, 0x2E, 0x2C, 0x3B, 0x28, 0x29, 0x5B, 0x5D,
            0x7B, 0x7D, 0x3D, 0x26, 0x7C:
            return true
        default:
            return false
        }
    }

    /// `== != <= >= && ||`
    private static func twoCharacterSymbol(_ first: UInt8, _ second: UInt8) -> Token.Symbol? {
        switch (first, second) {
        case (0x3D, 0x3D): .equal
        case (0x21, 0x3D): .notEqual
        case (0x3C, 0x3D): .lessOrEqual
        case (0x3E, 0x3D): .greaterOrEqual
        case (0x26, 0x26): .and
        case (0x7C, 0x7C): .or
        default: nil
        }
    }

    /// The one-character symbols (`&` and `|` alone are not symbols: they are refused before this).
    private static func symbol(_ byte: UInt8) -> Token.Symbol? {
        switch byte {
        case 0x2B: .plus
        case 0x2D: .minus
        case 0x2A: .star
        case 0x2F: .slash
        case 0x25: .percent
        case 0x3C: .less
        case 0x3E: .greater
        case 0x21: .not
        case 0x3F: .question
        case 0x3A: .colon
        case 0x2E: .dot
        case 0x2C: .comma
        case 0x3B: .semicolon
        case 0x28: .openParen
        case 0x29: .closeParen
        case 0x5B: .openBracket
        case 0x5D: .closeBracket
        case 0x7B: .openBrace
        case 0x7D: .closeBrace
        case 0x3D: .assign
        default: nil
        }
    }

    /// All tokens up to the end, ending with `.end`; throws on a character that starts no token.
    public mutating func tokenize(file: SourceFile?) throws(Diagnostic) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity((end - position) / 4 + 4)
        while true {
            let token = try next(file: file)
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private mutating func skipTrivia() {
        while position < end {
            let byte = bytes[position]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                position += 1
            } else if byte == 0x2F, position + 1 < end, bytes[position + 1] == 0x2F {
                while position < end, bytes[position] != 0x0A { position += 1 }
            } else if byte == 0x2F, position + 1 < end, bytes[position + 1] == 0x2A {
                position += 2
                while position + 1 < end, !(bytes[position] == 0x2A && bytes[position + 1] == 0x2F) { position += 1 }
                position = min(end, position + 2)
            } else {
                return
            }
        }
    }

    private mutating func next(file: SourceFile?) throws(Diagnostic) -> Token {
        skipTrivia()
        let start = position
        guard position < end else { return Token(kind: .end, range: SourceRange(start, start)) }
        let byte = bytes[position]
        func range() -> SourceRange { SourceRange(start, position) }
        if byte >= 0x30 && byte <= 0x39 {
            while position < end, (bytes[position] >= 0x30 && bytes[position] <= 0x39) || bytes[position] == 0x5F {
                position += 1
            }
            if position + 1 < end, bytes[position] == 0x2E, bytes[position + 1] >= 0x30 && bytes[position + 1] <= 0x39 {
                position += 1
                while position < end, bytes[position] >= 0x30 && bytes[position] <= 0x39 { position += 1 }
            }
            var text = String(decoding: bytes[start..<position], as: UTF8.self)
            if text.utf8.contains(0x5F) { text.removeAll { $0 == "_" } }
            guard let value = Double(text) else {
                throw .error("syntax.number", "'\(text)' is not a number", in: file, at: range())
            }
            return Token(kind: .number(value), range: range())
        }
        if byte == 0x22 || byte == 0x27 {
            return Token(kind: .string(try lexString(quote: byte, file: file)), range: range())
        }
        if Self.isIdentifierStart(byte) {
            while position < end, Self.isIdentifierPart(bytes[position]) { position += 1 }
            return Token(kind: .identifier(String(decoding: bytes[start..<position], as: UTF8.self)), range: range())
        }
        if Self.isSymbol(byte) {
            if position + 1 < end, let pair = Self.twoCharacterSymbol(byte, bytes[position + 1]) {
                position += 2
                return Token(kind: .symbol(pair), range: range())
            }
            position += 1
            if byte == 0x26 || byte == 0x7C {
                let single = String(UnicodeScalar(byte))
                throw .error(
                    "syntax.operator", "unknown operator '\(single)'", in: file, at: range(),
                    notes: ["write '\(single)\(single)' for the logical operator"])
            }
            guard let symbol = Self.symbol(byte) else {
                throw .error("syntax.character", "unexpected character '\(UnicodeScalar(byte))'", in: file, at: range())
            }
            return Token(kind: .symbol(symbol), range: range())
        }
        // Decode one whole character for the message.
        var length = 1
        if byte >= 0xC0 { length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2 }
        position = min(end, position + length)
        let character = String(decoding: bytes[start..<position], as: UTF8.self)
        throw .error("syntax.character", "unexpected character '\(character)'", in: file, at: range())
    }

    private mutating func lexString(quote: UInt8, file: SourceFile?) throws(Diagnostic) -> String {
        let start = position
        // Most strings have no escape: one copy of their bytes.
        var scan = position + 1
        while scan < end, bytes[scan] != quote, bytes[scan] != 0x5C, bytes[scan] != 0x0A { scan += 1 }
        if scan < end, bytes[scan] == quote {
            position = scan + 1
            return String(decoding: bytes[start + 1..<scan], as: UTF8.self)
        }
        position += 1
        var scalars = String.UnicodeScalarView()
        var chunkStart = position
        func flush(_ lexer: Lexer) {
            scalars.append(
                contentsOf: String(decoding: lexer.bytes[chunkStart..<lexer.position], as: UTF8.self).unicodeScalars)
        }
        while position < end {
            let byte = bytes[position]
            if byte == quote {
                flush(self)
                position += 1
                return String(scalars)
            }
            if byte == 0x0A {
                break
            }
            if byte == 0x5C {
                flush(self)
                guard position + 1 < end else { break }
                let escaped = bytes[position + 1]
                switch escaped {
                case 0x6E: scalars.append("\n")
                case 0x74: scalars.append("\t")
                case 0x72: scalars.append("\r")
                case 0x5C: scalars.append("\\")
                case 0x22: scalars.append("\"")
                case 0x27: scalars.append("'")
                case 0x7B: scalars.append("{")
                case 0x7D: scalars.append("}")
                default:
                    throw .error(
                        "syntax.escape", "unknown escape '\\\(String(UnicodeScalar(escaped)))' in a string", in: file,
                        at: SourceRange(position, position + 2),
                        notes: ["escapes are \\n \\t \\r \\\\ \\\" \\' \\{ \\}"])
                }
                position += 2
                chunkStart = position
                continue
            }
            position += 1
        }
        throw .error(
            "syntax.string", "unterminated string", in: file, at: SourceRange(start, position),
            notes: ["close it with \(quote == 0x22 ? "\"" : "'") on the same line"])
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x24
    }

    static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (byte >= 0x30 && byte <= 0x39)
    }
}
