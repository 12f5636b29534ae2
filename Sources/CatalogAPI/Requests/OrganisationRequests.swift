import Catalog
import MiniSupport

/// `POST /v1/orgs`: `{"id", "name"}` (schema `OrganisationCreate`): an external organisation whose host apps
/// list the bank's services.
public struct OrganisationCreate: JSONRepresentable, Sendable, Hashable {
    public static let fields: Set<String> = ["id", "name"]
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
        let idCursor = try json.require("id")
        let id = try idCursor.string()
        guard id.isPlatformName else {
            throw idCursor.error("an organisation id is 1 to 64 lowercase letters, digits, '-' and '.'")
        }
        guard id != Organisation.bankId else { throw idCursor.error("'bank' is the bank's own organisation") }
        self.init(id: id, name: try json.requireText("name", maximum: 80))
    }

    public var jsonValue: JSONValue { ["id": .string(id), "name": .string(name)] }
}

/// `POST /v1/hosts/{hostId}/offers/{appId}/accept` and `…/decline`: `{"reason"}`, optional (schema
/// `OfferDecision`): why the host's organisation decided so; the bank's operations read it.
public struct OfferDecision: JSONRepresentable, Sendable, Hashable {
    public static let fields: Set<String> = ["reason"]
    public var reason: String?

    public init(reason: String? = nil) { self.reason = reason }

    public init(json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
        self.init(reason: try json.field("reason")?.reasonText())
    }

    public var jsonValue: JSONValue { reason.map { ["reason": .string($0)] } ?? .object([:]) }
}
