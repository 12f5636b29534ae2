import Foundation

/// A JSON value. MiniKit calls it `JSONValue`: page data, expression results, host API arguments and results
/// all have exactly JSON's shape.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// JavaScript-like truthiness: null, false, 0, NaN and "" are false; everything else is true.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let value): return value
        case .number(let value): return value != 0 && !value.isNaN
        case .string(let value): return !value.isEmpty
        case .array, .object: return true
        }
    }

    /// A word for messages: "a string", "null", ….
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// The text a binding shows: strings as they are, numbers without a trailing `.0`, null as nothing.
    public var displayText: String {
        switch self {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return Self.format(value)
        case .string(let value): return value
        case .array, .object: return json
        }
    }

    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// The size in bytes of the value written as JSON (``json``), computed without building it: the measure
    /// of the data limit and the storage quota.
    public var approximateSize: Int {
        switch self {
        case .null: return 4
        case .bool(let value): return value ? 4 : 5
        case .number(let value): return value.isFinite ? Self.format(value).utf8.count : 4
        case .string(let value):
            // Byte by byte: only ASCII is escaped, and every other byte is written as it is.
            var size = 2
            for byte in value.utf8 {
                switch byte {
                case 0x22, 0x5C, 0x0A, 0x0D, 0x09: size += 2
                case _ where byte < 0x20: size += 6
                default: size += 1
                }
            }
            return size
        case .array(let items): return items.reduce(2) { $0 + $1.approximateSize } + max(0, items.count - 1)
        case .object(let members):
            return members.reduce(2) { $0 + JSONValue.string($1.key).approximateSize + 1 + $1.value.approximateSize }
                + max(0, members.count - 1)
        }
    }

    /// Compact JSON with sorted keys.
    public var json: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value): return value.isFinite ? Self.format(value) : "null"
        case .string(let value): return Self.quote(value)
        case .array(let items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { Self.quote($0) + ":" + members[$0]!.json }.joined(separator: ",")
                + "}"
        }
    }

    public static func quote(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20: output += "\\u00" + Hex.lowercase([UInt8(scalar.value)])
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// Member access; nil when this is not an object or has no such member.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        guard decoder.codingPath.count <= JSONValue.maximumDepth else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "nesting deeper than \(JSONValue.maximumDepth) levels"))
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
    public init(nilLiteral: ()) { self = .null }
}

extension Double {
    /// The value as an integer clamped to `range`, or nil for NaN. Never traps, unlike `Int(_:)` on NaN,
    /// infinities or huge values that page logic can produce.
    public func clampedInt(_ range: ClosedRange<Int> = -1_000_000_000...1_000_000_000) -> Int? {
        guard !isNaN else { return nil }
        if self <= Double(range.lowerBound) { return range.lowerBound }
        if self >= Double(range.upperBound) { return range.upperBound }
        return Int(self)
    }

    /// The value as an index into a collection of `count` items, or nil when it is not a whole number in range.
    public func index(in count: Int) -> Int? {
        guard self == rounded(), self >= 0, self < Double(count) else { return nil }
        return Int(self)
    }
}

extension JSONValue {
    /// The deepest nesting allowed in page data, storage values and host results.
    public static let maximumDepth = 64

    /// True when lists and objects nest deeper than `limit` (stops looking as soon as it knows).
    public func nests(deeperThan limit: Int) -> Bool {
        guard limit >= 0 else { return true }
        switch self {
        case .array(let items): return items.contains { $0.nests(deeperThan: limit - 1) }
        case .object(let members): return members.values.contains { $0.nests(deeperThan: limit - 1) }
        default: return false
        }
    }
}
