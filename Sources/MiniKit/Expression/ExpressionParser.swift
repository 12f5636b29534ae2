import MiniSupport

/// A Pratt parser for expressions over a token stream; also used by the logic parser for its values.
public struct ExpressionParser {
    /// The most nodes one expression may have.
    public static let maximumNodes = MiniKitLimits.maximumExpressionNodes

    var tokens: [Token]
    var position = 0
    let file: SourceFile?
    private var depth = 0

    public init(tokens: [Token], file: SourceFile?) {
        self.tokens = tokens
        self.file = file
    }

    /// Parses a whole token stream as one expression.
    public static func parse(_ file: SourceFile, range: SourceRange) throws(Diagnostic) -> Expression {
        if let path = parsePath(file.bytes, range) { return path }
        var lexer = Lexer(bytes: file.bytes, start: range.lowerBound, end: range.upperBound)
        var parser = ExpressionParser(tokens: try lexer.tokenize(file: file), file: file)
        guard parser.current.kind != .end else {
            throw .error(
                "syntax.empty-expression", "empty expression", in: file, at: range,
                notes: ["write a value between '{{' and '}}'"])
        }
        let expression = try parser.parseExpression()
        guard parser.current.kind == .end else {
            throw parser.unexpected("expected the end of the expression")
        }
        return expression
    }

    /// `name` or `a.b.c` (the most common bindings) built straight from the bytes, as the full parser would
    /// build it; nil for anything else, which the full parser then reads.
    static func parsePath(_ bytes: [UInt8], _ range: SourceRange) -> Expression? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var position = range.lowerBound
        var end = range.upperBound
        while position < end, isSpace(bytes[position]) { position += 1 }
        while end > position, isSpace(bytes[end - 1]) { end -= 1 }
        var expression: Expression?
        for _ in 0..<16 {
            guard position < end, Lexer.isIdentifierStart(bytes[position]) else { return nil }
            let start = position
            while position < end, Lexer.isIdentifierPart(bytes[position]) { position += 1 }
            let name = String(decoding: bytes[start..<position], as: UTF8.self)
            let nameRange = SourceRange(start, position)
            if let base = expression {
                expression = .member(base, name, base.range.joined(nameRange))
            } else {
                switch name {
                case "true": expression = .literal(.bool(true), nameRange)
                case "false": expression = .literal(.bool(false), nameRange)
                case "null": expression = .literal(.null, nameRange)
                default: expression = .identifier(name, nameRange)
                }
            }
            if position == end { return expression }
            guard bytes[position] == 0x2E else { return nil }
            position += 1
        }
        return nil
    }

    /// Nodes this expression may still build: counted as the tree is built, so a long flat `a+b+c+…`
    /// is refused before it can grow a deep tree.
    private var nodesLeft = ExpressionParser.maximumNodes

    /// Parses one expression with a fresh node budget (each value of a logic file, a manifest).
    public mutating func parseTopExpression(minimumPower: Int = 0, budget: Int = ExpressionParser.maximumNodes)
        throws(Diagnostic) -> Expression
    {
        nodesLeft = budget
        let limit = budget
        do {
            return try parseExpression(minimumPower: minimumPower)
        } catch let error where error.code == "limit.expression-size" {
            throw .error(
                "limit.expression-size", "expression has more than \(limit) nodes", in: file, at: error.range,
                notes: error.notes)
        }
    }

    private mutating func counted(_ expression: Expression) throws(Diagnostic) -> Expression {
        nodesLeft -= 1
        guard nodesLeft >= 0 else {
            throw .error(
                "limit.expression-size", "expression has more than the limit of \(Self.maximumNodes) nodes", in: file,
                at: expression.range, notes: ["split it, or compute part of it in a handler with 'set'"])
        }
        return expression
    }

    var current: Token { tokens[min(position, tokens.count - 1)] }

    func unexpected(_ message: String) -> Diagnostic {
        .error("syntax.unexpected", "\(message), found \(current.display)", in: file, at: current.range)
    }

    mutating func advance() -> Token {
        let token = current
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    func isSymbol(_ symbol: Token.Symbol) -> Bool {
        if case .symbol(let current) = current.kind { return current == symbol }
        return false
    }

    /// Takes the symbol, or throws naming it and `context` (built only then).
    mutating func expect(_ symbol: Token.Symbol, _ context: @autoclosure () -> String) throws(Diagnostic) -> Token {
        guard isSymbol(symbol) else { throw unexpected("expected '\(symbol.rawValue)' \(context())") }
        return advance()
    }

    private static func bindingPower(_ symbol: Token.Symbol) -> Int? {
        switch symbol {
        case .question: return 1
        case .or: return 2
        case .and: return 3
        case .equal, .notEqual: return 4
        case .less, .lessOrEqual, .greater, .greaterOrEqual: return 5
        case .plus, .minus: return 6
        case .star, .slash, .percent: return 7
        default: return nil
        }
    }

    /// Parses an expression at the lowest precedence.
    public mutating func parseExpression(minimumPower: Int = 0) throws(Diagnostic) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth <= MiniKitLimits.maximumExpressionDepth else {
            throw .error(
                "limit.expression-depth", "expression nests deeper than \(MiniKitLimits.maximumExpressionDepth)",
                in: file, at: current.range)
        }
        var lhs = try parsePrefix()
        while case .symbol(let symbol) = current.kind, let power = Self.bindingPower(symbol), power > minimumPower {
            _ = advance()
            if symbol == .question {
                let whenTrue = try parseExpression()
                _ = try expect(.colon, "in a conditional 'a ? b : c'")
                let whenFalse = try parseExpression(minimumPower: power - 1)
                lhs = try counted(.conditional(lhs, whenTrue, whenFalse, lhs.range.joined(whenFalse.range)))
                continue
            }
            let rhs = try parseExpression(minimumPower: power)
            lhs = try counted(
                .binary(Expression.BinaryOperator(rawValue: symbol.rawValue)!, lhs, rhs, lhs.range.joined(rhs.range)))
        }
        return lhs
    }

    private mutating func parsePrefix() throws(Diagnostic) -> Expression {
        let token = current
        if isSymbol(.not) || isSymbol(.minus) {
            _ = advance()
            let operand = try parseExpression(minimumPower: 7)
            return try counted(
                .unary(token.kind == .symbol(.not) ? .not : .negate, operand, token.range.joined(operand.range)))
        }
        return try parsePostfix(try counted(try parsePrimary()))
    }

    private mutating func parsePostfix(_ base: Expression) throws(Diagnostic) -> Expression {
        var expression = base
        while true {
            if isSymbol(.dot) {
                _ = advance()
                guard case .identifier(let name) = current.kind else {
                    throw unexpected("expected a field name after '.'")
                }
                let end = advance().range
                expression = try counted(.member(expression, name, expression.range.joined(end)))
            } else if isSymbol(.openBracket) {
                _ = advance()
                let index = try parseExpression()
                let close = try expect(.closeBracket, "to close the index")
                expression = try counted(.index(expression, index, expression.range.joined(close.range)))
            } else if isSymbol(.openParen), case .identifier(let name, let range) = expression {
                _ = advance()
                var arguments: [Expression] = []
                while !isSymbol(.closeParen) {
                    arguments.append(try parseExpression())
                    guard isSymbol(.comma) else { break }
                    _ = advance()
                }
                let close = try expect(.closeParen, "to close the argument list of '\(name)'")
                guard Builtins.names.contains(name) else {
                    throw .error(
                        "expression.unknown-function", "unknown function '\(name)'", in: file, at: range,
                        notes: ["functions are \(Builtins.names.sorted().joined(separator: ", "))"])
                }
                expression = try counted(.call(name, arguments, range.joined(close.range)))
            } else {
                return expression
            }
        }
    }

    private mutating func parsePrimary() throws(Diagnostic) -> Expression {
        let token = current
        switch token.kind {
        case .number(let value):
            _ = advance()
            return .literal(.number(value), token.range)
        case .string(let value):
            _ = advance()
            return .literal(.string(value), token.range)
        case .identifier(let name):
            _ = advance()
            switch name {
            case "true": return .literal(.bool(true), token.range)
            case "false": return .literal(.bool(false), token.range)
            case "null": return .literal(.null, token.range)
            default: return .identifier(name, token.range)
            }
        case .symbol(.openParen):
            _ = advance()
            let inner = try parseExpression()
            _ = try expect(.closeParen, "to close '('")
            return inner
        case .symbol(.openBracket):
            _ = advance()
            var items: [Expression] = []
            while !isSymbol(.closeBracket) {
                items.append(try parseExpression())
                guard isSymbol(.comma) else { break }
                _ = advance()
            }
            let close = try expect(.closeBracket, "to close the list")
            return .array(items, token.range.joined(close.range))
        case .symbol(.openBrace):
            _ = advance()
            var members: [(key: String, value: Expression)] = []
            // Small objects look for a repeated key in their members; large ones (page data) keep a set.
            var seen: Set<String>?
            while !isSymbol(.closeBrace) {
                let keyToken = current
                let key: String
                switch keyToken.kind {
                case .identifier(let name): key = name
                case .string(let text): key = text
                default: throw unexpected("expected a field name")
                }
                _ = advance()
                let repeated: Bool
                if members.count < 16 {
                    repeated = members.contains { $0.key == key }
                } else {
                    if seen == nil { seen = Set(members.map(\.key)) }
                    repeated = seen?.insert(key).inserted == false
                }
                guard !repeated else {
                    throw .error("syntax.duplicate-key", "field '\(key)' appears twice", in: file, at: keyToken.range)
                }
                _ = try expect(.colon, "after the field name '\(key)'")
                members.append((key, try parseExpression()))
                guard isSymbol(.comma) else { break }
                _ = advance()
            }
            let close = try expect(.closeBrace, "to close the object")
            return .object(members, token.range.joined(close.range))
        default:
            throw unexpected("expected a value")
        }
    }
}
