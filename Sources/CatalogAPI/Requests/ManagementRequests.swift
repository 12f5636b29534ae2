import Catalog
import MiniSupport

/// The request bodies of the management API, written once: the server reads them with ``init(json:)`` (strict,
/// with JSON-path errors) and `minictl` writes them with `jsonValue`. Each one's fields are its schema's
/// properties in ``CatalogAPI/schemas`` (a test holds them together).

/// `POST /v1/partners`: `{"id", "name"}` (schema `PartnerCreate`).
public struct PartnerCreate: JSONRepresentable, Sendable, Hashable {
    public static let fields: Set<String> = ["id", "name"]
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
        self.init(id: try json.requireName("id"), name: try json.requireText("name", maximum: 80))
    }

    public var jsonValue: JSONValue { ["id": .string(id), "name": .string(name)] }
}

/// `POST /v1/apps`: `{"id", "partnerId", "name", "category"}` (schema `AppCreate`). The server reads it with the
/// manifest's categories, so that an unknown category is refused where it is written.
public struct AppCreate: JSONRepresentable, Sendable, Hashable {
    public static let fields: Set<String> = ["id", "partnerId", "name", "category"]
    public var id: String
    public var partnerId: String
    public var name: String
    public var category: String

    public init(id: String, partnerId: String, name: String, category: String) {
        self.id = id
        self.partnerId = partnerId
        self.name = name
        self.category = category
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        try self.init(json: json, categories: nil)
    }

    /// Reads the body; `categories`, when given, are the categories a mini-program may have.
    public init(json: JSONCursor, categories: [String]?) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
        let category = try json.requireText("category", maximum: 40)
        if let categories, !categories.contains(category) {
            throw try json.require("category").error(
                "unknown category (categories: \(categories.joined(separator: ", ")))")
        }
        self.init(
            id: try json.requireName("id"), partnerId: try json.requireName("partnerId"),
            name: try json.requireText("name", maximum: 40), category: category)
    }

    public var jsonValue: JSONValue {
        ["id": .string(id), "partnerId": .string(partnerId), "name": .string(name), "category": .string(category)]
    }
}

/// `POST /v1/hosts`: `{"id", "name", "minimumShellVersion"?, "expiryGraceSeconds"?, "active"?}` (schema
/// `HostCreate`).
public struct HostCreate: JSONRepresentable, Sendable, Hashable {
    public static let fields: Set<String> = ["id", "name", "minimumShellVersion", "expiryGraceSeconds", "active"]
    public var id: String
    public var name: String
    public var minimumShellVersion: SemanticVersion?
    /// How long after its expiry a snapshot still serves launches (0 to a week).
    public var expiryGraceSeconds: Int
    public var active: Bool

    public init(
        id: String, name: String, minimumShellVersion: SemanticVersion? = nil, expiryGraceSeconds: Int = 0,
        active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.minimumShellVersion = minimumShellVersion
        self.expiryGraceSeconds = expiryGraceSeconds
        self.active = active
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        for (key, cursor) in try json.objectMembers() where !Self.fields.contains(key) {
            throw cursor.error(
                "unknown field '\(key)' (fields: id, name, minimumShellVersion, expiryGraceSeconds, active)")
        }
        let idCursor = try json.require("id")
        let id = try idCursor.string()
        guard (2...64).contains(id.count),
            id.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D })
        else {
            throw idCursor.error("a host id is 2 to 64 lowercase letters, digits and '-'")
        }
        guard id != "all" else { throw idCursor.error("'all' is reserved: it means every host app in a delisting") }
        let nameCursor = try json.require("name")
        let name = try nameCursor.string()
        guard (1...80).contains(name.count) else { throw nameCursor.error("a name has 1 to 80 characters") }
        var minimum: SemanticVersion?
        if let cursor = try json.field("minimumShellVersion") {
            guard let version = SemanticVersion(try cursor.string()) else {
                throw cursor.error("not a semantic version such as 7.2.0")
            }
            minimum = version
        }
        var grace = 0
        if let cursor = try json.field("expiryGraceSeconds") {
            grace = try cursor.int()
            guard (0...604_800).contains(grace) else { throw cursor.error("the grace is 0 to 604800 seconds (a week)") }
        }
        self.init(
            id: id, name: name, minimumShellVersion: minimum, expiryGraceSeconds: grace,
            active: try json.field("active")?.bool() ?? true)
    }

    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = ["id": .string(id), "name": .string(name)]
        if let minimumShellVersion { members["minimumShellVersion"] = .string(minimumShellVersion.description) }
        if expiryGraceSeconds != 0 { members["expiryGraceSeconds"] = .number(Double(expiryGraceSeconds)) }
        if !active { members["active"] = .bool(false) }
        return .object(members)
    }
}

/// `{"reason"}` (schema `Reason`): a rejection, which the partner reads, or a host app's deactivation.
public struct ReasonRequest: JSONRepresentable, Sendable, Hashable {
    public static let fields: Set<String> = ["reason"]
    public var reason: String

    public init(reason: String) { self.reason = reason }

    public init(json: JSONCursor) throws(JSONPathError) {
        try self.init(json: json, why: "")
    }

    /// `why` ends the message of a refused reason, such as ": the partner reads it".
    public init(json: JSONCursor, why: String) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
        self.init(reason: try json.require("reason").reasonText(why: why))
    }

    public var jsonValue: JSONValue { ["reason": .string(reason)] }
}

/// `POST /v1/segments`: a name and 1 to 32 constraints (schema `SegmentCreate`).
public struct SegmentCreate: JSONRepresentable, Sendable, Hashable {
    public static let fields: Set<String> = ["name", "constraints"]
    public var name: String
    public var constraints: [RolloutConstraint]

    public init(name: String, constraints: [RolloutConstraint]) {
        self.name = name
        self.constraints = constraints
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
        let name = try json.requireName("name")
        let items = try json.arrayField("constraints")
        guard (1...ListingRequest.maximumConstraints).contains(items.count) else {
            throw json.error("a segment has 1 to \(ListingRequest.maximumConstraints) constraints")
        }
        var constraints: [RolloutConstraint] = []
        for item in items { constraints.append(try RolloutConstraint(request: item)) }
        self.init(name: name, constraints: constraints)
    }

    public var jsonValue: JSONValue { ["name": .string(name), "constraints": .array(constraints.map(\.jsonValue))] }
}
