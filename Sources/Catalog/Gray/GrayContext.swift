import Foundation
import MiniSupport

/// Who is asking: the facts about a user and their shell that strategies and constraints test.
///
/// The standard fields are Unleash's. Everything else — the catalog sets `hostVersion`, `region` and the
/// host-supplied properties — lives in ``properties``. A field that is empty counts as absent.
public struct GrayContext: Sendable, Hashable {
    public var userId: String?
    public var sessionId: String?
    public var remoteAddress: String?
    /// The host app asking (the catalog's host id).
    public var appName: String?
    public var environment: String?
    /// The time DATE_* constraints compare against; the engine's clock when nil.
    public var currentTime: Date?
    public var properties: [String: String]

    public init(
        userId: String? = nil, sessionId: String? = nil, remoteAddress: String? = nil, appName: String? = nil,
        environment: String? = nil, currentTime: Date? = nil, properties: [String: String] = [:]
    ) {
        self.userId = userId
        self.sessionId = sessionId
        self.remoteAddress = remoteAddress
        self.appName = appName
        self.environment = environment
        self.currentTime = currentTime
        self.properties = properties
    }

    /// Reads a context in Unleash's JSON shape. Unknown top-level string fields are treated as properties.
    public init(json: JSONCursor) throws(JSONPathError) {
        self.init()
        for (key, cursor) in try json.objectMembers() {
            if cursor.value == .null { continue }
            switch key {
            case "userId": userId = try cursor.scalarText()
            case "sessionId": sessionId = try cursor.scalarText()
            case "remoteAddress": remoteAddress = try cursor.scalarText()
            case "appName": appName = try cursor.scalarText()
            case "environment": environment = try cursor.scalarText()
            case "currentTime":
                let text = try cursor.string()
                guard let date = Timestamp.parse(text) else {
                    throw cursor.error("'\(text)' is not an RFC 3339 date-time such as 2026-11-25T13:00:00Z")
                }
                currentTime = date
            case "properties":
                for (name, value) in try cursor.objectMembers() where value.value != .null {
                    properties[name] = try value.scalarText()
                }
            default:
                guard properties[key] == nil else { continue }
                properties[key] = try cursor.scalarText()
            }
        }
    }

    /// The value of a field by name, as constraints see it (empty text counts as absent).
    public func value(of field: String) -> String? {
        value(of: ContextField(field))
    }

    @inlinable
    func value(of field: ContextField) -> String? {
        let raw: String?
        switch field {
        case .userId: raw = userId
        case .sessionId: raw = sessionId
        case .remoteAddress: raw = remoteAddress
        case .appName: raw = appName
        case .environment: raw = environment
        case .currentTime: raw = currentTime.map(Timestamp.format)
        case .property(let name): raw = properties[name]
        }
        guard let raw, !raw.isEmpty else { return nil }
        return raw
    }

    /// The context in Unleash's JSON shape.
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [:]
        if let userId { members["userId"] = .string(userId) }
        if let sessionId { members["sessionId"] = .string(sessionId) }
        if let remoteAddress { members["remoteAddress"] = .string(remoteAddress) }
        if let appName { members["appName"] = .string(appName) }
        if let environment { members["environment"] = .string(environment) }
        if let currentTime { members["currentTime"] = .string(Timestamp.format(currentTime)) }
        if !properties.isEmpty { members["properties"] = .object(properties.mapValues(JSONValue.string)) }
        return .object(members)
    }
}

/// A context field resolved once, at compile time, so evaluation does not compare field names.
@usableFromInline
enum ContextField: Sendable, Hashable {
    case userId, sessionId, remoteAddress, appName, environment, currentTime
    case property(String)

    @usableFromInline
    init(_ name: String) {
        switch name {
        case "userId": self = .userId
        case "sessionId": self = .sessionId
        case "remoteAddress": self = .remoteAddress
        case "appName": self = .appName
        case "environment": self = .environment
        case "currentTime": self = .currentTime
        default: self = .property(name)
        }
    }
}
