import MiniSupport

/// Parses a page's logic file: `data { … }`, `on load { … }`, `handler name { … }`.
struct LogicParser {
    private var expressions: ExpressionParser
    private let file: SourceFile
    private var depth = 0

    static func parse(_ file: SourceFile) throws(Diagnostic) -> PageLogic {
        var lexer = Lexer(bytes: file.bytes)
        var parser = LogicParser(
            expressions: ExpressionParser(tokens: try lexer.tokenize(file: file), file: file), file: file)
        return try parser.parseFile()
    }

    private init(expressions: ExpressionParser, file: SourceFile) {
        self.expressions = expressions
        self.file = file
    }

    private var current: Token { expressions.current }

    private func isKeyword(_ word: String) -> Bool { current.kind == .identifier(word) }

    private mutating func parseFile() throws(Diagnostic) -> PageLogic {
        var logic = PageLogic()
        while current.kind != .end {
            let token = current
            guard case .identifier(let word) = token.kind else {
                throw expressions.unexpected("expected 'data', 'on' or 'handler'")
            }
            _ = expressions.advance()
            switch word {
            case "data":
                if logic.dataRange != nil {
                    throw .error("logic.duplicate", "a page has one 'data' block", in: file, at: token.range)
                }
                let literal = try expressions.parseTopExpression()
                guard case .object = literal else {
                    throw .error(
                        "logic.data", "'data' must be followed by an object: data { name: value, … }", in: file,
                        at: literal.range)
                }
                let value: MiniValue
                do {
                    value = try ExpressionEvaluator.evaluate(literal, in: Scope([:]))
                } catch {
                    throw .error(
                        "logic.data", "page data must be constant: \(error.message)", in: file, at: error.range)
                }
                guard case .object(let members) = value else { continue }
                guard value.approximateSize <= MiniKitLimits.maximumDataSize else {
                    throw .error(
                        "limit.data-size", "page data is larger than \(MiniKitLimits.maximumDataSize / 1024) KiB",
                        in: file, at: literal.range)
                }
                logic.data = members
                logic.dataRange = literal.range
            case "on":
                guard case .identifier(let name) = current.kind, let hook = LifecycleHook(rawValue: name) else {
                    throw expressions.unexpected("expected a lifecycle hook (load, show, hide, unload) after 'on'")
                }
                let nameRange = expressions.advance().range
                if logic.hooks[hook] != nil {
                    throw .error("logic.duplicate", "'on \(name)' is defined twice", in: file, at: nameRange)
                }
                let body = try parseBlock()
                logic.hooks[hook] = Handler(name: "on \(name)", body: body, range: token.range.joined(nameRange))
            case "handler":
                guard case .identifier(let name) = current.kind else {
                    throw expressions.unexpected("expected a handler name after 'handler'")
                }
                let nameRange = expressions.advance().range
                if let existing = logic.handlers[name] {
                    let (line, column) = file.location(of: existing.range.lowerBound)
                    throw .error(
                        "logic.duplicate", "handler '\(name)' is defined twice", in: file, at: nameRange,
                        notes: ["first defined at \(file.path):\(line):\(column)"])
                }
                logic.handlers[name] = Handler(name: name, body: try parseBlock(), range: nameRange)
            default:
                throw .error(
                    "logic.syntax", "expected 'data', 'on' or 'handler', found '\(word)'", in: file, at: token.range)
            }
        }
        return logic
    }

    private mutating func parseBlock() throws(Diagnostic) -> [Action] {
        depth += 1
        defer { depth -= 1 }
        guard depth <= MiniKitLimits.maximumActionDepth else {
            throw .error(
                "limit.action-depth", "blocks nest deeper than \(MiniKitLimits.maximumActionDepth)", in: file,
                at: current.range)
        }
        _ = try expressions.expect(.openBrace, "to open a block")
        var actions: [Action] = []
        while !expressions.isSymbol(.closeBrace) {
            guard current.kind != .end else { throw expressions.unexpected("expected '}' to close the block") }
            if expressions.isSymbol(.semicolon) {
                _ = expressions.advance()
                continue
            }
            actions.append(try parseAction())
        }
        _ = expressions.advance()
        return actions
    }

    private static let actionWords = ["set", "call", "toast", "modal", "navigate", "redirect", "back", "if", "stop"]

    private mutating func parseAction() throws(Diagnostic) -> Action {
        let token = current
        guard case .identifier(let word) = token.kind else {
            throw expressions.unexpected("expected an action (\(Self.actionWords.joined(separator: ", ")))")
        }
        _ = expressions.advance()
        switch word {
        case "set":
            var assignments: [Assignment] = []
            repeat {
                if !assignments.isEmpty { _ = expressions.advance() }
                let target = try expressions.parseTopExpression(minimumPower: 7)
                guard Self.isAssignable(target) else {
                    throw .error(
                        "logic.assignment", "can only set a data path such as 'quote.price' or 'items[0]'", in: file,
                        at: target.range)
                }
                _ = try expressions.expect(.assign, "after the path to set")
                let value = try expressions.parseTopExpression()
                assignments.append(Assignment(target: target, value: value))
            } while expressions.isSymbol(.comma)
            return .set(assignments, token.range.joined(assignments.last!.value.range))
        case "call":
            let nameStart = current.range
            var name = ""
            guard case .identifier(let first) = current.kind else {
                throw expressions.unexpected("expected an API name such as network.request")
            }
            _ = expressions.advance()
            name = first
            var nameRange = nameStart
            while expressions.isSymbol(.dot) {
                _ = expressions.advance()
                guard case .identifier(let part) = current.kind else {
                    throw expressions.unexpected("expected the rest of the API name")
                }
                nameRange = nameRange.joined(expressions.advance().range)
                name += "." + part
            }
            guard let api = HostAPI(rawValue: name) else {
                throw .error(
                    "logic.unknown-api", "unknown host API '\(name)'", in: file, at: nameRange,
                    notes: ["APIs are \(HostAPI.allCases.map(\.rawValue).joined(separator: ", "))"])
            }
            var arguments: Expression?
            if expressions.isSymbol(.openBrace) { arguments = try expressions.parseTopExpression() }
            var success: [Action] = []
            var failure: [Action] = []
            var end = arguments?.range ?? nameRange
            while isKeyword("success") || isKeyword("fail") {
                let isSuccess = isKeyword("success")
                end = expressions.advance().range
                if isSuccess { success = try parseBlock() } else { failure = try parseBlock() }
            }
            return .call(
                APICall(
                    api: api, arguments: arguments, success: success, failure: failure, range: token.range.joined(end),
                    nameRange: nameRange))
        case "toast":
            let message = try expressions.parseTopExpression()
            return .toast(message, token.range.joined(message.range))
        case "modal":
            let options = try expressions.parseTopExpression()
            var confirm: [Action] = []
            var cancel: [Action] = []
            while isKeyword("confirm") || isKeyword("cancel") {
                let isConfirm = isKeyword("confirm")
                _ = expressions.advance()
                if isConfirm { confirm = try parseBlock() } else { cancel = try parseBlock() }
            }
            return .modal(options, confirm: confirm, cancel: cancel, token.range.joined(options.range))
        case "navigate", "redirect":
            let page = try expressions.parseTopExpression()
            var query: Expression?
            if isKeyword("with") {
                _ = expressions.advance()
                query = try expressions.parseTopExpression()
            }
            return .navigate(
                page: page, query: query, redirect: word == "redirect", token.range.joined(query?.range ?? page.range))
        case "back":
            return .back(token.range)
        case "stop":
            return .stop(token.range)
        case "if":
            var branches: [ConditionalBranch] = []
            let condition = try expressions.parseTopExpression()
            branches.append(ConditionalBranch(condition: condition, body: try parseBlock()))
            while isKeyword("else") {
                _ = expressions.advance()
                if isKeyword("if") {
                    _ = expressions.advance()
                    let next = try expressions.parseTopExpression()
                    branches.append(ConditionalBranch(condition: next, body: try parseBlock()))
                } else {
                    branches.append(ConditionalBranch(condition: nil, body: try parseBlock()))
                    break
                }
            }
            return .branch(branches, token.range)
        default:
            throw .error(
                "logic.unknown-action", "unknown action '\(word)'", in: file, at: token.range,
                notes: ["actions are \(Self.actionWords.joined(separator: ", "))"])
        }
    }

    private static func isAssignable(_ expression: Expression) -> Bool {
        switch expression {
        case .identifier: return true
        case .member(let base, _, _): return isAssignable(base)
        case .index(let base, _, _): return isAssignable(base)
        default: return false
        }
    }
}
