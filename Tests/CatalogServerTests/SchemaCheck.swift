import CatalogAPI
import MiniSupport

/// The part of JSON Schema the contract's schemas use, enough to hold an answer against its schema: `$ref`,
/// `oneOf`, `type` (one or several), `enum`, `properties`, `required`, `additionalProperties: false` and `items`.
enum SchemaCheck {
    /// What does not fit, one line each with its JSON path; empty when the value fits.
    static func problems(_ value: JSONValue, _ schema: JSONValue, path: String = "$") -> [String] {
        guard case .object(let rules) = schema else { return ["\(path): the schema is not an object"] }
        if case .string(let reference)? = rules["$ref"] {
            let name = String(reference.split(separator: "/").last ?? "")
            guard let target = CatalogAPI.schemas[name] else { return ["\(path): no schema \(name)"] }
            return problems(value, target, path: path)
        }
        if case .array(let choices)? = rules["oneOf"] {
            let fitting = choices.filter { problems(value, $0, path: path).isEmpty }
            return fitting.count == 1 ? [] : ["\(path): fits \(fitting.count) of the \(choices.count) choices"]
        }
        if let type = rules["type"] {
            let allowed: [String]
            switch type {
            case .string(let one): allowed = [one]
            case .array(let several): allowed = several.compactMap { if case .string(let t) = $0 { t } else { nil } }
            default: allowed = []
            }
            guard allowed.contains(where: { fits(value, type: $0) }) else {
                return ["\(path): a \(kind(of: value)), not \(allowed.joined(separator: " or "))"]
            }
        }
        if case .array(let allowed)? = rules["enum"], !allowed.contains(value) {
            return ["\(path): \(value.serialized()) is not one of the listed values"]
        }
        var found: [String] = []
        if case .object(let members) = value {
            let properties: [String: JSONValue]
            if case .object(let declared)? = rules["properties"] { properties = declared } else { properties = [:] }
            if case .array(let required)? = rules["required"] {
                for case .string(let name) in required where members[name] == nil {
                    found.append("\(path): '\(name)' is missing")
                }
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let rule = properties[name] {
                    found += problems(member, rule, path: "\(path).\(name)")
                } else if rules["additionalProperties"] == .bool(false) {
                    found.append("\(path).\(name): not in the schema")
                }
            }
        }
        if case .array(let items) = value, let rule = rules["items"] {
            for (index, item) in items.enumerated() { found += problems(item, rule, path: "\(path)[\(index)]") }
        }
        return found
    }

    private static func fits(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
            ("number", .number):
            return true
        case ("integer", .number(let number)): return number == number.rounded()
        default: return false
        }
    }

    private static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
