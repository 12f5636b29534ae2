import Catalog
import MiniSupport

/// `POST /v1/hosts/{hostId}/brand`, and `brand` in a host's creation (schema `HostBrand`):
/// `{"title", "titleZh"?, "accent", "services", "servicesZh"?}`.
public struct HostBrandRequest: JSONRepresentable, Sendable, Hashable {
    public static let fields: Set<String> = ["title", "titleZh", "accent", "services", "servicesZh"]
    public var brand: HostBrand

    public init(_ brand: HostBrand) { self.brand = brand }

    public init(json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
        let accentCursor = try json.require("accent")
        guard let accent = HostBrand.Accent(rawValue: try accentCursor.string()) else {
            throw accentCursor.error(
                "an accent is one of \(HostBrand.Accent.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        func optional(_ key: String, _ maximum: Int) throws(JSONPathError) -> String? {
            guard try json.field(key) != nil else { return nil }
            return try json.requireText(key, maximum: maximum)
        }
        self.init(
            HostBrand(
                title: try json.requireText("title", maximum: HostBrand.maximumTitle),
                titleZh: try optional("titleZh", HostBrand.maximumTitle), accent: accent,
                services: try json.requireText("services", maximum: HostBrand.maximumServices),
                servicesZh: try optional("servicesZh", HostBrand.maximumServices)))
    }

    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "title": .string(brand.title), "accent": .string(brand.accent.rawValue),
            "services": .string(brand.services),
        ]
        if let titleZh = brand.titleZh { members["titleZh"] = .string(titleZh) }
        if let servicesZh = brand.servicesZh { members["servicesZh"] = .string(servicesZh) }
        return .object(members)
    }
}
