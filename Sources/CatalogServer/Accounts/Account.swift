import Catalog
import Crypto
import Foundation
import MiniKit
import MiniSupport

/// What an account may do on the platform.
public enum Role: Sendable, Hashable, CustomStringConvertible {
    /// Everything, including accounts.
    case admin
    /// Releases, widens, pauses, rolls back, delists and relists; manages host apps.
    case ops
    /// Reviews one stage (compliance, risk, …).
    case reviewer(stage: String)
    /// Uploads and submits the mini-programs of one partner.
    case developer(partner: String)
    /// Runs the host apps of one organisation: their keys, devices, users and brand; accepts or declines the
    /// bank's offers to them; delists on them. Sees nothing of other organisations' hosts.
    case hostops(organisation: String)

    /// `admin`, `ops`, `reviewer:compliance`, `developer:carins`, `hostops:metro`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("admin", 1): self = .admin
        case ("ops", 1): self = .ops
        case ("reviewer", 2) where parts[1].isPlatformName: self = .reviewer(stage: parts[1])
        case ("developer", 2) where parts[1].isPlatformName: self = .developer(partner: parts[1])
        case ("hostops", 2) where parts[1].isPlatformName && parts[1] != Organisation.bankId:
            self = .hostops(organisation: parts[1])
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .admin: return "admin"
        case .ops: return "ops"
        case .reviewer(let stage): return "reviewer:\(stage)"
        case .developer(let partner): return "developer:\(partner)"
        case .hostops(let organisation): return "hostops:\(organisation)"
        }
    }

    /// The organisation a `hostops` account runs hosts for; nil for every other role.
    public var hostOrganisation: String? {
        if case .hostops(let organisation) = self { organisation } else { nil }
    }

    /// True for roles that operate the platform (ops and admin).
    public var operates: Bool { self == .admin || self == .ops }
}

/// A person or robot that calls the management API.
public struct Account: Sendable, Hashable {
    public var id: String
    public var name: String
    public var role: Role

    public init(id: String, name: String, role: Role) {
        self.id = id
        self.name = name
        self.role = role
    }
}

/// API tokens: random, shown once, stored only as their SHA-256.
public enum APIToken {
    /// A new token: `mct_` and 43 characters of base64url (32 random bytes).
    public static func generate() -> String { generate(prefix: "mct_") }

    /// A new token: the prefix and 43 characters of base64url (32 random bytes).
    static func generate(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// What the store keeps: lowercase hex SHA-256 of the token.
    public static func hash(_ token: String) -> String {
        Hex.lowercase(SHA256.hash(data: Data(token.utf8)))
    }
}

/// Device tokens: given once at enrolment, stored only as their SHA-256, like API tokens.
public enum DeviceToken {
    public static let prefix = "mdt_"

    /// A new token: `mdt_` and 43 characters of base64url.
    public static func generate() -> String { APIToken.generate(prefix: prefix) }
}
