import Foundation
import MiniSupport

/// The pure functions expressions may call. Each charges fuel in proportion to what it touches.
enum Builtins {
    static let names: Set<String> = [
        "len", "upper", "lower", "trim", "str", "num", "fixed", "money", "mask", "join", "contains", "slice",
        "keys", "min", "max", "abs", "round", "floor", "ceil",
    ]

    /// Text results obey the same size limit as `+`.
    private static func limited(_ text: String, _ range: SourceRange) throws(EvaluationError) -> MiniValue {
        guard text.utf8.count <= MiniKitLimits.maximumStringLength else {
            throw EvaluationError(.size, "the text grew beyond \(MiniKitLimits.maximumStringLength / 1024) KiB", range)
        }
        return .string(text)
    }

    static func call(_ name: String, _ arguments: [MiniValue], fuel: inout Int, range: SourceRange)
        throws(EvaluationError) -> MiniValue
    {
        func argument(_ index: Int) -> MiniValue { index < arguments.count ? arguments[index] : .null }
        func count(_ expected: ClosedRange<Int>) throws(EvaluationError) {
            guard expected.contains(arguments.count) else {
                let text =
                    expected.lowerBound == expected.upperBound
                    ? "\(expected.lowerBound)" : "\(expected.lowerBound) to \(expected.upperBound)"
                throw EvaluationError(
                    .wrongArguments,
                    "\(name)() takes \(text) argument\(expected.upperBound == 1 ? "" : "s"), given \(arguments.count)",
                    range)
            }
        }
        func string(_ index: Int) throws(EvaluationError) -> String {
            switch argument(index) {
            case .string(let text): return text
            case .number, .bool, .null: return argument(index).displayText
            default: throw EvaluationError(.type, "\(name)() expects text, given \(argument(index).kindName)", range)
            }
        }
        func number(_ index: Int) throws(EvaluationError) -> Double {
            switch argument(index) {
            case .number(let value): return value
            case .string(let text):
                guard let value = Double(text.trimmingWhitespace()) else {
                    throw EvaluationError(.type, "\(name)() expects a number, given \"\(text)\"", range)
                }
                return value
            default:
                throw EvaluationError(.type, "\(name)() expects a number, given \(argument(index).kindName)", range)
            }
        }
        func charge(_ amount: Int) throws(EvaluationError) {
            fuel -= amount / 16
            if fuel < 0 {
                throw EvaluationError(
                    .fuel, "the expression ran out of fuel (\(MiniKitLimits.expressionFuel) steps)", range)
            }
        }
        switch name {
        case "len":
            try count(1...1)
            switch argument(0) {
            case .string(let text): try charge(text.utf8.count); return .number(Double(text.count))
            case .array(let items): return .number(Double(items.count))
            case .object(let members): return .number(Double(members.count))
            case .null: return .number(0)
            default: throw EvaluationError(.type, "len() expects text or a list, given \(argument(0).kindName)", range)
            }
        case "upper", "lower", "trim":
            try count(1...1)
            let text = try string(0)
            try charge(text.utf8.count)
            return try limited(
                name == "upper"
                    ? text.uppercased()
                    : name == "lower" ? text.lowercased() : String(text.trimmingWhitespace()), range)
        case "str":
            try count(1...1)
            let text = argument(0).displayText
            try charge(text.utf8.count)
            return try limited(text, range)
        case "num":
            try count(1...1)
            if case .null = argument(0) { return .number(0) }
            return .number(try number(0))
        case "fixed":
            try count(1...2)
            let given = arguments.count > 1 ? try number(1) : 2
            guard let digits = given.clampedInt(0...10), Double(digits) == given else {
                throw EvaluationError(.type, "fixed() takes 0 to 10 digits, given \(MiniValue.format(given))", range)
            }
            let value = try number(0)
            guard value.isFinite, abs(value) < 1e21 else { return .string(MiniValue.format(value)) }
            return .string(String(format: "%.\(digits)f", value))
        case "money":
            // 12345.6 → "12,345.60": the bank's way of writing amounts.
            try count(1...1)
            let value = try number(0)
            guard value.isFinite, abs(value) < 1e15 else {
                throw EvaluationError(.type, "money() expects a finite amount", range)
            }
            return .string((value < 0 ? "-" : "") + Amount.grouped(value))
        case "mask":
            // mask("13812345678", 3, 4) → "138****5678"
            try count(1...3)
            let characters = Array(try string(0))
            try charge(characters.count)
            let keepStart = arguments.count > 1 ? (try number(1)).clampedInt(0...characters.count) ?? 0 : 0
            let keepEnd = arguments.count > 2 ? (try number(2)).clampedInt(0...characters.count) ?? 4 : 4
            guard keepStart + keepEnd < characters.count else { return .string(String(characters)) }
            let hidden = characters.count - keepStart - keepEnd
            return .string(
                String(characters.prefix(keepStart)) + String(repeating: "*", count: hidden)
                    + String(characters.suffix(keepEnd)))
        case "join":
            try count(1...2)
            guard case .array(let items) = argument(0) else {
                throw EvaluationError(.type, "join() expects a list, given \(argument(0).kindName)", range)
            }
            let separator = arguments.count > 1 ? try string(1) : ", "
            try charge(items.count * 16)
            let text = items.map(\.displayText).joined(separator: separator)
            try charge(text.utf8.count)
            return try limited(text, range)
        case "contains":
            try count(2...2)
            switch argument(0) {
            case .string(let text):
                try charge(text.utf8.count)
                return .bool(text.contains(try string(1)))
            case .array(let items):
                try charge(items.count * 16)
                return .bool(items.contains(argument(1)))
            case .object(let members): return .bool(members[try string(1)] != nil)
            case .null: return .bool(false)
            default:
                throw EvaluationError(
                    .type, "contains() expects text, a list or an object, given \(argument(0).kindName)", range)
            }
        case "slice":
            try count(2...3)
            let start = (try number(1)).clampedInt() ?? 0
            switch argument(0) {
            case .string(let text):
                let characters = Array(text)
                try charge(characters.count)
                let (lower, upper) = bounds(
                    start, arguments.count > 2 ? (try number(2)).clampedInt() ?? 0 : characters.count, characters.count)
                return .string(String(characters[lower..<upper]))
            case .array(let items):
                try charge(items.count * 16)
                let (lower, upper) = bounds(
                    start, arguments.count > 2 ? (try number(2)).clampedInt() ?? 0 : items.count, items.count)
                return .array(Array(items[lower..<upper]))
            default:
                throw EvaluationError(.type, "slice() expects text or a list, given \(argument(0).kindName)", range)
            }
        case "keys":
            try count(1...1)
            guard case .object(let members) = argument(0) else { return .array([]) }
            try charge(members.count * 16)
            return .array(members.keys.sorted().map(MiniValue.string))
        case "min", "max":
            guard !arguments.isEmpty else {
                throw EvaluationError(.wrongArguments, "\(name)() needs at least one argument", range)
            }
            var values: [Double] = []
            for index in arguments.indices { values.append(try number(index)) }
            return .number(name == "min" ? values.min()! : values.max()!)
        case "abs", "round", "floor", "ceil":
            try count(1...1)
            let value = try number(0)
            switch name {
            case "abs": return .number(abs(value))
            case "round": return .number(value.rounded(.toNearestOrAwayFromZero))
            case "floor": return .number(value.rounded(.down))
            default: return .number(value.rounded(.up))
            }
        default:
            throw EvaluationError(.wrongArguments, "unknown function '\(name)'", range)
        }
    }

    private static func bounds(_ start: Int, _ end: Int, _ count: Int) -> (Int, Int) {
        let lower = start < 0 ? max(0, count + start) : min(start, count)
        let upper = end < 0 ? max(0, count + end) : min(end, count)
        return (lower, max(lower, upper))
    }
}
