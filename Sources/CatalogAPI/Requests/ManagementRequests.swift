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

/// `POST /v1/hosts`: `{"id", "name", "minimumShellVersion"?, "expiryGraceSeconds"?, "active"?, "userKeys"?,
/// "clientProperties"?}` (schema `HostCreate`).
public struct HostCreate: JSONRepresentable, Sendable, Hashable {
    public static let fields: Set<String> = [
        "id", "name", "minimumShellVersion", "expiryGraceSeconds", "active", "userKeys", "clientProperties", "brand",
        "organisation",
    ]
    public var id: String
    public var name: String
    public var minimumShellVersion: SemanticVersion?
    /// How long after its expiry a snapshot still serves launches (0 to a week).
    public var expiryGraceSeconds: Int
    public var active: Bool
    /// The public keys the host's backend signs user assertions with, and the properties its shells may state.
    public var userTrust: HostUserTrust
    /// How its shells present it.
    public var brand: HostBrand?
    /// The organisation that runs it; nil: the bank's (or, for a `hostops` account, its own).
    public var organisation: String?

    public init(
        id: String, name: String, minimumShellVersion: SemanticVersion? = nil, expiryGraceSeconds: Int = 0,
        active: Bool = true, userTrust: HostUserTrust = HostUserTrust(), brand: HostBrand? = nil,
        organisation: String? = nil
    ) {
        self.organisation = organisation
        self.brand = brand
        self.id = id
        self.name = name
        self.minimumShellVersion = minimumShellVersion
        self.expiryGraceSeconds = expiryGraceSeconds
        self.active = active
        self.userTrust = userTrust
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
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
            active: try json.field("active")?.bool() ?? true, userTrust: try HostUserTrust(members: json),
            brand: try json.field("brand").map { cursor throws(JSONPathError) in
                try HostBrandRequest(json: cursor).brand
            },
            organisation: try json.field("organisation").map { cursor throws(JSONPathError) in
                let text = try cursor.string()
                guard text.isPlatformName else { throw cursor.error("not an organisation id") }
                return text
            })
    }

    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = ["id": .string(id), "name": .string(name)]
        if let minimumShellVersion { members["minimumShellVersion"] = .string(minimumShellVersion.description) }
        if expiryGraceSeconds != 0 { members["expiryGraceSeconds"] = .number(Double(expiryGraceSeconds)) }
        if !active { members["active"] = .bool(false) }
        if !userTrust.userKeys.isEmpty { members["userKeys"] = .array(userTrust.userKeys.map(JSONValue.string)) }
        if !userTrust.clientProperties.isEmpty {
            members["clientProperties"] = .array(userTrust.clientProperties.map(JSONValue.string))
        }
        if let brand { members["brand"] = HostBrandRequest(brand).jsonValue }
        if let organisation { members["organisation"] = .string(organisation) }
        return .object(members)
    }
}

/// `POST /v1/hosts/{hostId}/user-trust`: `{"userKeys": [base64 …], "clientProperties": [NAME …]}` (schema
/// `HostUserTrust`). Whom a host's catalog believes about its users: assertions signed by one of `userKeys` (at
/// most 4, so a new key can be added before the old one goes), and for the properties in `clientProperties`
/// only, what the shell itself states in the query.
public struct HostUserTrust: JSONRepresentable, Sendable, Hashable {
    public static let fields: Set<String> = ["userKeys", "clientProperties"]
    public static let maximumKeys = 4
    /// Ed25519 public keys, base64, without repeats.
    public var userKeys: [String]
    /// Property names a shell may state for itself (`beta`, `hostVersion`); never one a gray rule trusts.
    public var clientProperties: [String]

    public init(userKeys: [String] = [], clientProperties: [String] = []) {
        self.userKeys = userKeys
        self.clientProperties = clientProperties
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
        try self.init(members: json)
    }

    /// Reads `userKeys` and `clientProperties` from an object that may hold other fields (a host's creation).
    init(members json: JSONCursor) throws(JSONPathError) {
        self.init()
        let keyItems = try json.arrayField("userKeys")
        if keyItems.count > Self.maximumKeys {
            throw try json.require("userKeys").error("at most \(Self.maximumKeys) user-signing keys")
        }
        for item in keyItems {
            let text = try item.string()
            guard (try? VerificationKey(base64: text)) != nil else {
                throw item.error("not a base64 Ed25519 public key")
            }
            guard !userKeys.contains(text) else { throw item.error("the key is listed twice") }
            userKeys.append(text)
        }
        let propertyItems = try json.arrayField("clientProperties")
        if propertyItems.count > UserAssertion.maximumProperties {
            throw try json.require("clientProperties").error(
                "at most \(UserAssertion.maximumProperties) client-supplied properties")
        }
        for item in propertyItems {
            let name = try item.string()
            guard UserAssertion.isPropertyName(name) else {
                throw item.error("a property name is 1 to 64 letters, digits, '_', '-' or '.'")
            }
            guard !clientProperties.contains(name) else { throw item.error("the property is listed twice") }
            clientProperties.append(name)
        }
    }

    public var jsonValue: JSONValue {
        [
            "userKeys": .array(userKeys.map(JSONValue.string)),
            "clientProperties": .array(clientProperties.map(JSONValue.string)),
        ]
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
