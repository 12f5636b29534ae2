import MiniSupport
import Testing

@testable import MiniKit

struct ExpressionTests {
    func evaluate(_ text: String, _ names: [String: MiniValue] = [:]) throws -> MiniValue {
        let file = SourceFile(path: "t", text: text)
        let expression = try ExpressionParser.parse(file, range: SourceRange(0, file.bytes.count))
        return try ExpressionEvaluator.evaluate(expression, in: Scope(names))
    }

    @Test(
        "precedence and associativity",
        arguments: [
            ("1 + 2 * 3", "(1 + (2 * 3))"), ("1 - 2 - 3", "((1 - 2) - 3)"), ("a || b && c", "(a || (b && c))"),
            ("!a == b", "(!a == b)"), ("a ? b : c ? d : e", "(a ? b : (c ? d : e))"), ("-x * 2", "(-x * 2)"),
            ("a.b[c].d", "a.b[c].d"), ("len(x) > 2 == true", "((len(x) > 2) == true)"),
        ])
    func parses(_ text: String, _ expected: String) throws {
        let file = SourceFile(path: "t", text: text)
        #expect(try ExpressionParser.parse(file, range: SourceRange(0, file.bytes.count)).description == expected)
    }

    @Test func evaluates() throws {
        let data: [String: MiniValue] = ["quote": ["price": 12.5, "plans": ["a", "b"]], "name": "Li", "none": nil]
        #expect(try evaluate("quote.price * 2", data) == 25)
        #expect(try evaluate("'Hi ' + name + '!'", data) == "Hi Li!")
        #expect(try evaluate("quote.plans[1]", data) == "b")
        #expect(try evaluate("quote.plans.length", data) == 2)
        #expect(try evaluate("none.field", data) == .null, "member access on null is null-safe")
        #expect(try evaluate("name || 'guest'", data) == "Li")
        #expect(try evaluate("none || 'guest'", data) == "guest")
        #expect(try evaluate("money(1234567.891)") == "1,234,567.89")
        #expect(try evaluate("money(-5)") == "-5.00")
        #expect(try evaluate("mask('13812345678', 3, 4)") == "138****5678")
        #expect(try evaluate("fixed(2.5, 1)") == "2.5")
        #expect(try evaluate("{a: 1, 'b c': [true, null]}") == ["a": 1, "b c": [true, nil]])
        #expect(try evaluate("slice('沪A12345', 0, 2)") == "沪A")
        #expect(try evaluate("contains([1, 2], 2) && !contains('abc', 'z')") == true)
        #expect(try evaluate("10 % 4 + 0.5") == 2.5)
    }

    @Test("trim() drops white space and line breaks at both ends, Unicode's too; number text may be padded")
    func trimsWhitespace() throws {
        let data: [String: MiniValue] = ["plate": "\u{3000} 沪A 12345\t\r\n", "blank": " \n ", "price": " 12.5 "]
        #expect(try evaluate("trim(plate)", data) == "沪A 12345")
        #expect(try evaluate("trim(blank)", data) == "")
        #expect(try evaluate("fixed(price, 1)", data) == "12.5")
        #expect(throws: EvaluationError.self) { try evaluate("fixed('12 5', 1)") }
    }

    @Test(
        "runtime errors name the problem and its range",
        arguments: [
            ("'a' - 1", "cannot apply '-' to a string and a number"), ("1 / 0", "division by zero"),
            ("nope + 1", "unknown name 'nope'"), ("len(1)", "len() expects text or a list, given a number"),
            ("5 < 'a'", "cannot compare a number with a string using '<'"),
            ("fixed(1, 2, 3)", "fixed() takes 1 to 2 arguments, given 3"),
            ("true.x", "cannot read '.x' of a boolean"),
        ])
    func runtimeErrors(_ text: String, _ message: String) {
        #expect {
            try evaluate(text)
        } throws: { error in
            (error as? EvaluationError)?.message == message
        }
    }

    @Test("a runaway expression stops on its fuel budget")
    func fuel() throws {
        let big = MiniValue.array((0..<200_000).map { .number(Double($0)) })
        #expect {
            try evaluate("len(join(items, ','))", ["items": big])
        } throws: { error in
            (error as? EvaluationError)?.kind == .fuel
        }
        // Deep but legal expressions are bounded by the node limit at parse time instead.
        let long = Array(repeating: "1", count: 600).joined(separator: " + ")
        #expect { try evaluate(long) } throws: { "\($0)".contains("more than the limit of 500") }
    }

    @Test("syntax errors are located with a caret")
    func syntaxError() {
        let file = SourceFile(path: "pages/a.mml", text: "<text>{{ price * }}</text>")
        #expect {
            try ExpressionParser.parse(file, range: SourceRange(8, 17))
        } throws: { error in
            (error as? Diagnostic)?.rendered == """
                error: expected a value, found end of input
                 --> pages/a.mml:1:18
                  |
                1 | <text>{{ price * }}</text>
                  |                  ^
                """
        }
    }
}
