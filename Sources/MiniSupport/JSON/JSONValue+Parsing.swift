import Foundation

/// Documents are read by hand through ``JSONCursor`` so that every error can name its JSON path.
extension JSONValue {
    /// The largest document ``parse(_:)`` accepts.
    public static let maximumDocumentSize = 32 * 1024 * 1024

    /// Parses JSON bytes in one pass (nesting limited), or throws a ``JSONPathError`` at `$` that says why
    /// the text is not JSON and where.
    public static func parse(_ data: Data) throws(JSONPathError) -> JSONValue {
        guard data.count <= maximumDocumentSize else {
            throw JSONPathError(path: "$", message: "document is larger than \(maximumDocumentSize / 1024 / 1024) MiB")
        }
        var parser = JSONParser([UInt8](data))
        return try parser.parseDocument()
    }

    /// Compact JSON with sorted keys, so equal values give equal bytes.
    public func serialized() -> String { json }

    /// A word for error messages in JSON's own terms: "a string", "an array", ….
    public var jsonKindName: String {
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
        guard case .object(let members) = value else { throw error("expected an object, found \(value.jsonKindName)") }
        guard let member = members[key], member != .null else { return nil }
        return JSONCursor(member, path: path + Self.member(key))
    }

    /// The path step to an object member: `.name`, or `["a key"]` when the name needs quoting.
    public static func member(_ key: String) -> String {
        let needsQuoting =
            key.isEmpty
            || !key.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }
        return needsQuoting ? "[\(JSONValue.string(key).serialized())]" : ".\(key)"
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
        guard case .string(let text) = value else { throw error("expected a string, found \(value.jsonKindName)") }
        return text
    }

    /// A string, or a number written as its shortest decimal text (Unleash parameters come both ways).
    public func scalarText() throws(JSONPathError) -> String {
        switch value {
        case .string(let text): return text
        case .number: return value.serialized()
        case .bool(let flag): return flag ? "true" : "false"
        default: throw error("expected a string or a number, found \(value.jsonKindName)")
        }
    }

    public func bool() throws(JSONPathError) -> Bool {
        guard case .bool(let flag) = value else { throw error("expected true or false, found \(value.jsonKindName)") }
        return flag
    }

    /// A whole number; a number written as text is refused (request bodies say what they mean).
    public func int() throws(JSONPathError) -> Int {
        guard case .number(let number) = value, number == number.rounded(), abs(number) < 1e15 else {
            let found = if case .number = value { value.serialized() } else { value.jsonKindName }
            throw error("expected an integer, found \(found)")
        }
        return Int(number)
    }

    /// A whole number, also when written as text (`"50"`): Unleash's documents write some numbers so.
    public func intOrText() throws(JSONPathError) -> Int {
        switch value {
        case .number(let number) where number == number.rounded() && abs(number) < 1e15: return Int(number)
        case .string(let text):
            guard let number = Int(text) else { throw error("expected an integer, found \"\(text)\"") }
            return number
        default: throw error("expected an integer, found \(value.jsonKindName)")
        }
    }

    public func array() throws(JSONPathError) -> [JSONCursor] {
        guard case .array(let items) = value else { throw error("expected an array, found \(value.jsonKindName)") }
        return items.enumerated().map { JSONCursor($0.element, path: "\(path)[\($0.offset)]") }
    }

    /// An optional array member; absent or null gives an empty array.
    public func arrayField(_ key: String) throws(JSONPathError) -> [JSONCursor] {
        try field(key)?.array() ?? []
    }

    /// Refuses fields outside `allowed` (strict readers of request bodies and signed payloads).
    public func onlyFields(_ allowed: Set<String>) throws(JSONPathError) {
        for (key, cursor) in try objectMembers() where !allowed.contains(key) {
            throw cursor.error("unknown field '\(key)' (fields: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    public func objectMembers() throws(JSONPathError) -> [(key: String, cursor: JSONCursor)] {
        guard case .object(let members) = value else { throw error("expected an object, found \(value.jsonKindName)") }
        return members.keys.sorted().map { key in (key, JSONCursor(members[key]!, path: path + Self.member(key))) }
    }
}
