import MiniSupport

/// A type read from a ``JSONCursor`` (with JSON-path errors) and written as a ``JSONValue``; `Codable` follows.
public protocol JSONRepresentable: Codable {
    init(json: JSONCursor) throws(JSONPathError)
    var jsonValue: JSONValue { get }
}

extension JSONRepresentable {
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        let path =
            "$" + decoder.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        try self.init(json: JSONCursor(value, path: path))
    }

    public func encode(to encoder: any Encoder) throws {
        try jsonValue.encode(to: encoder)
    }
}

extension FeatureToggle: JSONRepresentable {}
extension RolloutStrategy: JSONRepresentable {}
extension RolloutConstraint: JSONRepresentable {}
extension FeatureVariant: JSONRepresentable {}
extension Segment: JSONRepresentable {}
extension GrayContext: JSONRepresentable {}
