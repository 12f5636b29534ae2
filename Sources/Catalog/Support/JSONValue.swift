import Foundation

/// Any JSON value, for documents whose shape is checked by hand so errors can name a JSON path.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The largest document ``parse(_:)`` accepts.
    public static let maximumDocumentSize = 32 * 1024 * 1024

    /// Parses JSON bytes, or throws a ``JSONPathError`` at `$` that says why the text is not JSON.
    public static func parse(_ data: Data) throws(JSONPathError) -> JSONValue {
        guard data.count <= maximumDocumentSize else {
            throw JSONPathError(path: "$", message: "document is larger than \(maximumDocumentSize / 1024 / 1024) MiB")
        }
        var parser = JSONParser([UInt8](data))
        return try parser.parseDocument()
    }

    /// Serialises compactly with sorted keys, so equal values give equal bytes.
    public func serialized() -> String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let value):
            if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
                output += String(Int64(value))
            } else if value.isFinite {
                output += "\(value)"
            } else {
                output += "null"
            }
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                Self.writeString(key, to: &output)
                output += ":"
                members[key]!.write(to: &output)
            }
            output += "}"
        }
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        guard decoder.codingPath.count <= JSONParser.maximumDepth else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "nesting deeper than \(JSONParser.maximumDepth) levels"))
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

/// A problem in a JSON document, located by a JSON path such as `$.features[2].strategies[0].name`.
public struct JSONPathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is.
    public var path: String
    /// What is wrong there.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// A read position inside a ``JSONValue`` that knows its JSON path, for errors that say where.
public struct JSONCursor: Sendable {
    /// The value at this position.
    public let value: JSONValue
    /// The JSON path of this position.
    public let path: String

    public init(_ value: JSONValue, path: String = "$") {
        self.value = value
        self.path = path
    }

    /// A member of an object; nil when absent or `null`.
    public func field(_ key: String) throws(JSONPathError) -> JSONCursor? {
        guard case .object(let members) = value else { throw error("expected an object, found \(value.kindName)") }
        guard let member = members[key], member != .null else { return nil }
        let needsQuoting =
            key.isEmpty
            || !key.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }
        return JSONCursor(
            member, path: needsQuoting ? "\(path)[\(JSONValue.string(key).serialized())]" : "\(path).\(key)")
    }

    /// A required member of an object.
    public func require(_ key: String) throws(JSONPathError) -> JSONCursor {
        guard let member = try field(key) else {
            throw JSONPathError(path: path, message: "missing required field '\(key)'")
        }
        return member
    }

    public func error(_ message: String) -> JSONPathError { JSONPathError(path: path, message: message) }

    public func string() throws(JSONPathError) -> String {
        guard case .string(let text) = value else { throw error("expected a string, found \(value.kindName)") }
        return text
    }

    /// A string, or a number written as its shortest decimal text (Unleash parameters come both ways).
    public func scalarText() throws(JSONPathError) -> String {
        switch value {
        case .string(let text): return text
        case .number: return value.serialized()
        case .bool(let flag): return flag ? "true" : "false"
        default: throw error("expected a string or a number, found \(value.kindName)")
        }
    }

    public func bool() throws(JSONPathError) -> Bool {
        guard case .bool(let flag) = value else { throw error("expected true or false, found \(value.kindName)") }
        return flag
    }

    public func int() throws(JSONPathError) -> Int {
        switch value {
        case .number(let number) where number == number.rounded() && abs(number) < 1e15: return Int(number)
        case .string(let text):
            guard let number = Int(text) else { throw error("expected an integer, found \"\(text)\"") }
            return number
        default: throw error("expected an integer, found \(value.kindName)")
        }
    }

    public func array() throws(JSONPathError) -> [JSONCursor] {
        guard case .array(let items) = value else { throw error("expected an array, found \(value.kindName)") }
        return items.enumerated().map { JSONCursor($0.element, path: "\(path)[\($0.offset)]") }
    }

    /// An optional array member; absent or null gives an empty array.
    public func arrayField(_ key: String) throws(JSONPathError) -> [JSONCursor] {
        try field(key)?.array() ?? []
    }

    public func objectMembers() throws(JSONPathError) -> [(key: String, cursor: JSONCursor)] {
        guard case .object(let members) = value else { throw error("expected an object, found \(value.kindName)") }
        return members.keys.sorted().map { key in (key, JSONCursor(members[key]!, path: "\(path).\(key)")) }
    }
}

extension JSONValue {
    /// A word for error messages: "a string", "an array", ….
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
