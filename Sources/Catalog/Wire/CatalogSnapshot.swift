import Foundation
import MiniSupport

/// One mini-program as a shell's catalog lists it for its user.
public struct CatalogEntry: Sendable, Hashable, Codable {
    public var appId: String
    public var name: String
    public var category: String
    public var version: SemanticVersion
    public var package: PackageReference
    /// Scopes the catalog grants (a subset of what the manifest declares).
    public var grantedScopes: [String]
    /// Network domains the catalog grants.
    public var grantedDomains: [String]
    /// True when this user gets the version from a gray release.
    public var gray: Bool
    /// The user's id for this mini-program (`user.openId`), derived by the server with a secret only it holds
    /// (see ``OpenID``): stable for the user and app, different per app, and never the bank's user id.
    public var openId: String?
    /// The partner company behind the mini-program, as the platform registered it (the consent dialog names
    /// it); absent from catalogs of older servers.
    public var partner: String?
    /// The version's description (English), when it has one.
    public var description: String?
    /// The name and description in other languages, by language code (`zh`); absent ones show in English.
    public var localized: [String: LocalizedText]?
    /// For a gray version: why this user is in its audience (the matched strategy and constraints), for QA.
    public var audience: String?

    public init(
        appId: String, name: String, category: String, version: SemanticVersion, package: PackageReference,
        grantedScopes: [String] = [], grantedDomains: [String] = [], gray: Bool = false, openId: String? = nil,
        partner: String? = nil, description: String? = nil, localized: [String: LocalizedText]? = nil,
        audience: String? = nil
    ) {
        self.audience = audience
        self.openId = openId
        self.partner = partner
        self.description = description
        self.localized = localized
        self.appId = appId
        self.name = name
        self.category = category
        self.version = version
        self.package = package
        self.grantedScopes = grantedScopes
        self.grantedDomains = grantedDomains
        self.gray = gray
    }
}

extension CatalogEntry {
    /// The name to show in a language (`zh`): its translation, else the English name.
    public func name(in language: String) -> String { localized?[language]?.name ?? name }

    /// The description to show in a language: its translation, else the English one (may be empty).
    public func description(in language: String) -> String {
        localized?[language]?.description ?? description ?? ""
    }
}

/// A delisted mini-program: shells must close it, delete its code and data, and never launch it again.
public struct Tombstone: Sendable, Hashable, Codable {
    public var appId: String
    public var delistedAt: Date
    public var reason: String
    /// The event sequence number of the delisting.
    public var sequence: UInt64

    public init(appId: String, delistedAt: Date, reason: String, sequence: UInt64) {
        self.appId = appId
        self.delistedAt = delistedAt
        self.reason = reason
        self.sequence = sequence
    }
}

/// The catalog of one host for one user, signed by the server.
public struct CatalogSnapshot: SignedPayload, Hashable {
    public static let payloadType = "\(WireFormat.mediaTypePrefix).snapshot+json; version=\(WireFormat.version)"

    public var format: Int
    public var hostId: String
    /// The user this catalog was resolved for (gray releases make catalogs per user).
    public var userId: String
    /// Monotonic per host: any change on the host raises it.
    public var catalogVersion: UInt64
    /// The highest event sequence included, so the shell resumes the event stream after it.
    public var eventSequence: UInt64
    public var issuedAt: Date
    public var expiresAt: Date
    public var entries: [CatalogEntry]
    public var tombstones: [Tombstone]
    /// How long after `expiresAt` the shell may still launch mini-programs when it cannot refresh (the host
    /// app's configured grace). Signed with the rest, so nobody on the path can stretch it; absent means 0.
    public var expiryGraceSeconds: Int?
    /// How the host app presents itself to its customers; absent: the shell's own look.
    public var brand: HostBrand?

    public init(
        hostId: String, userId: String, catalogVersion: UInt64, eventSequence: UInt64, issuedAt: Date,
        expiresAt: Date, entries: [CatalogEntry], tombstones: [Tombstone], expiryGraceSeconds: Int? = nil,
        brand: HostBrand? = nil
    ) {
        self.brand = brand
        self.expiryGraceSeconds = expiryGraceSeconds
        self.format = WireFormat.version
        self.hostId = hostId
        self.userId = userId
        self.catalogVersion = catalogVersion
        self.eventSequence = eventSequence
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.entries = entries
        self.tombstones = tombstones
    }

    public var header: PayloadHeader {
        PayloadHeader(hostId: hostId, userId: userId, version: catalogVersion, issuedAt: issuedAt, expiresAt: expiresAt)
    }
}

/// Something that happened to a host's catalog, pushed to shells as a signed event.
public struct CatalogEvent: SignedPayload, Hashable {
    public static let payloadType = "\(WireFormat.mediaTypePrefix).event+json; version=\(WireFormat.version)"

    /// What happened.
    public enum Kind: String, Sendable, Hashable, Codable {
        case published
        case grayChanged = "gray-changed"
        case delisted
        case relisted
        case rolledBack = "rolled-back"
    }

    public var format: Int
    public var hostId: String
    /// Monotonic per host; shells resume the stream after the last sequence they applied.
    public var sequence: UInt64
    /// The catalog version this event brings the host to.
    public var catalogVersion: UInt64
    public var issuedAt: Date
    /// Events expire too, so a captured event cannot be replayed forever.
    public var expiresAt: Date
    public var kind: Kind
    public var appId: String
    /// The version concerned (published, rolled back to), when there is one.
    public var version: SemanticVersion?
    /// The operator's reason (required for delisting).
    public var reason: String?

    public init(
        hostId: String, sequence: UInt64, catalogVersion: UInt64, issuedAt: Date, expiresAt: Date, kind: Kind,
        appId: String, version: SemanticVersion? = nil, reason: String? = nil
    ) {
        self.format = WireFormat.version
        self.hostId = hostId
        self.sequence = sequence
        self.catalogVersion = catalogVersion
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.kind = kind
        self.appId = appId
        self.version = version
        self.reason = reason
    }

    /// Events are host-wide: no user binding.
    public var header: PayloadHeader {
        PayloadHeader(hostId: hostId, userId: nil, version: sequence, issuedAt: issuedAt, expiresAt: expiresAt)
    }
}

/// What a shell reports after applying a catalog or an event, signed by its device key: operations' proof
/// that a recall took effect counts only these.
public struct Acknowledgement: SignedPayload, Hashable {
    public static let payloadType = "\(WireFormat.mediaTypePrefix).ack+json; version=\(WireFormat.version)"
    /// How long after `sentAt` the server still accepts an acknowledgement (a captured one goes stale).
    public static let maximumAge: TimeInterval = 600

    /// One installed package.
    public struct InstalledPackage: Sendable, Hashable, Codable {
        public var appId: String
        public var version: SemanticVersion
        public var sha256: String

        public init(appId: String, version: SemanticVersion, sha256: String) {
            self.appId = appId
            self.version = version
            self.sha256 = sha256
        }
    }

    public var format: Int
    public var hostId: String
    /// The enrolled device that sends it (the installation, not the user).
    public var deviceId: String
    public var userId: String?
    public var catalogVersion: UInt64
    public var eventSequence: UInt64
    public var installed: [InstalledPackage]
    /// Mini-programs whose code and data this shell deleted after a delisting.
    public var purged: [String]
    public var sentAt: Date

    public init(
        hostId: String, deviceId: String, userId: String?, catalogVersion: UInt64, eventSequence: UInt64,
        installed: [InstalledPackage], purged: [String], sentAt: Date
    ) {
        self.format = WireFormat.version
        self.hostId = hostId
        self.deviceId = deviceId
        self.userId = userId
        self.catalogVersion = catalogVersion
        self.eventSequence = eventSequence
        self.installed = installed
        self.purged = purged
        self.sentAt = sentAt
    }

    /// Bound to a device rather than a user; fresh for ``maximumAge`` after it was sent, and never older than
    /// the device's last accepted one (the verifier's replay check, with a constant version).
    public var header: PayloadHeader {
        PayloadHeader(
            hostId: hostId, userId: nil, version: 0, issuedAt: sentAt,
            expiresAt: sentAt.addingTimeInterval(Self.maximumAge))
    }
}
