import Crypto
import Foundation
import MiniSupport

/// A host app that lists mini-programs: the mobile-banking app, a car head unit, a kiosk.
///
/// Shells identify as a host app with its id and host key.
public struct HostApp: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// Shells older than this cannot run mini-programs listed for the host.
    public var minimumShellVersion: SemanticVersion?
    /// A deactivated host gets no catalog and no events.
    public var active: Bool
    /// How long after a catalog expires its shells may still launch mini-programs, in seconds.
    public var expiryGraceSeconds: Int
    /// The Ed25519 public keys (base64) the host's backend signs user assertions with: a catalog is resolved
    /// for the user and properties one of them vouches for. Several, so a new key can be added before the old
    /// one is removed.
    public var userKeys: [String]
    /// The properties a shell may state for itself in the catalog query; every other comes only from the
    /// signed user assertion.
    public var clientProperties: [String]
    /// How its shells present it; nil: the shell's own look.
    public var brand: HostBrand?
    /// The organisation that runs it (``Organisation/bankId`` for the bank's own apps).
    public var organisation: String

    /// True when an external organisation runs it: only what it accepted is listed on it.
    public var isExternal: Bool { organisation != Organisation.bankId }

    public init(
        id: String, name: String, minimumShellVersion: SemanticVersion? = nil, active: Bool = true,
        expiryGraceSeconds: Int = 0, userKeys: [String] = [], clientProperties: [String] = [], brand: HostBrand? = nil,
        organisation: String = Organisation.bankId
    ) {
        self.organisation = organisation
        self.brand = brand
        self.userKeys = userKeys
        self.clientProperties = clientProperties
        self.id = id
        self.name = name
        self.minimumShellVersion = minimumShellVersion
        self.active = active
        self.expiryGraceSeconds = expiryGraceSeconds
    }
}

/// A partner's mini-program, independent of its versions and of where it is listed.
public struct MiniProgram: Sendable, Hashable, Codable {
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
}

/// A content-addressed package: the SHA-256 of its bytes (lowercase hex) and its size.
public struct PackageReference: Sendable, Hashable, Codable {
    public var sha256: String
    public var size: Int

    public init(sha256: String, size: Int) {
        self.sha256 = sha256
        self.size = size
    }

    /// The lowercase hex SHA-256 of package bytes: the name a package is addressed by.
    public static func digest(of data: Data) -> String {
        Hex.lowercase(SHA256.hash(data: data))
    }

    /// True when `sha256` is 64 lowercase hex digits and the size is positive.
    public var isWellFormed: Bool {
        sha256.utf8.count == 64 && sha256.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
            && size > 0
    }
}

/// A permission scope a mini-program asks for, with the reason shown to users and reviewers.
public struct ScopeRequest: Sendable, Hashable, Codable {
    public var scope: String
    public var reason: String

    public init(scope: String, reason: String) {
        self.scope = scope
        self.reason = reason
    }
}

/// One uploaded version of a mini-program and where it stands in review.
public struct MiniProgramVersion: Sendable, Hashable, Codable {
    /// Where a version stands in the review workflow.
    public enum ReviewState: String, Sendable, Hashable, Codable {
        case draft, submitted, inReview = "in-review", approved, rejected
    }

    public var appId: String
    public var version: SemanticVersion
    public var package: PackageReference
    public var scopes: [ScopeRequest]
    public var domains: [String]
    public var minimumHostVersion: SemanticVersion?
    public var reviewState: ReviewState
    /// The manifest's description and translations, for the catalog.
    public var texts: ProgramTexts

    public init(
        appId: String, version: SemanticVersion, package: PackageReference, scopes: [ScopeRequest] = [],
        domains: [String] = [], minimumHostVersion: SemanticVersion? = nil, reviewState: ReviewState = .draft,
        texts: ProgramTexts = ProgramTexts()
    ) {
        self.texts = texts
        self.appId = appId
        self.version = version
        self.package = package
        self.scopes = scopes
        self.domains = domains
        self.minimumHostVersion = minimumHostVersion
        self.reviewState = reviewState
    }
}
