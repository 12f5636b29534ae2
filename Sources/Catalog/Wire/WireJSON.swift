import Foundation
import MiniSupport

// What a shell reads and writes on every sync and event, with the one-pass JSON parser and `JSONValue`, not
// `JSONDecoder`/`JSONEncoder`: envelopes, catalogs and events cost one parse and no Codable machinery — less
// time on the recall path and about two megabytes less resident code in the super-app. Errors name their JSON
// path like the decoder's did (`$.entries[2].version: …`). The server writes payloads with
// `WireFormat.encoder()`; both produce the same JSON.

extension JSONCursor {
    /// An RFC 3339 date-time.
    func wireDate() throws(JSONPathError) -> Date {
        let text = try string()
        guard let date = Timestamp.parse(text) else { throw error("'\(text)' is not an RFC 3339 date-time") }
        return date
    }

    /// A whole number from 0 to 2^53 (versions, sequences, sizes); strings are refused.
    func wireCount() throws(JSONPathError) -> UInt64 {
        guard case .number(let number) = value, number >= 0, number == number.rounded(), number <= 9_007_199_254_740_992
        else { throw error("expected a whole number of 0 or more, found \(value.jsonKindName)") }
        return UInt64(number)
    }

    /// Base64 bytes.
    func wireData() throws(JSONPathError) -> Data {
        guard let data = Data(base64Encoded: try string()) else { throw error("not valid base64") }
        return data
    }

    func wireVersion() throws(JSONPathError) -> SemanticVersion {
        let text = try string()
        guard let version = SemanticVersion(text) else {
            throw error("'\(text)' is not a semantic version (MAJOR.MINOR.PATCH)")
        }
        return version
    }

    func wireStrings() throws(JSONPathError) -> [String] {
        var strings: [String] = []
        for item in try array() { strings.append(try item.string()) }
        return strings
    }

    func wireFormat() throws(JSONPathError) -> Int {
        let format = try require("format")
        return Int(try format.wireCount())
    }

    /// The `format` of a payload read strictly: any but ``WireFormat/version`` is refused where it is written.
    func knownWireFormat() throws(JSONPathError) -> Int {
        let cursor = try require("format")
        let format = Int(try cursor.wireCount())
        guard format == WireFormat.version else {
            throw cursor.error("format \(format) is not one this build reads (\(WireFormat.version))")
        }
        return format
    }
}

extension SignedPayload {
    /// Reads the payload from its JSON bytes (an envelope's `payload`).
    public init(wire data: Data) throws(JSONPathError) {
        try self.init(json: JSONCursor(try JSONValue.parse(data)))
    }
}

extension SignedEnvelope {
    /// Reads an envelope from its JSON bytes (the body of a sync reply, an event's data, a stored catalog).
    public init(wire data: Data) throws(JSONPathError) {
        try self.init(json: JSONCursor(try JSONValue.parse(data)))
    }

    /// The envelope as compact JSON with sorted keys (a request body: an enrolment, an acknowledgement).
    public var wireJSON: Data { Data(jsonValue.serialized().utf8) }

    /// The envelope as a JSON value, for a document that holds several (the key rotation statements).
    public var jsonValue: JSONValue {
        let signatures: [JSONValue] = signatures.map {
            .object(["keyid": .string($0.keyid.rawValue), "sig": .string($0.sig.base64EncodedString())])
        }
        return .object([
            "payloadType": .string(payloadType), "payload": .string(payload.base64EncodedString()),
            "signatures": .array(signatures),
        ])
    }

    /// Reads an envelope from its parsed JSON.
    public init(json: JSONCursor) throws(JSONPathError) {
        var signatures: [Signature] = []
        for item in try json.require("signatures").array() {
            signatures.append(
                Signature(
                    keyid: KeyID(rawValue: try item.require("keyid").string()), sig: try item.require("sig").wireData())
            )
        }
        self.init(
            payloadType: try json.require("payloadType").string(), payload: try json.require("payload").wireData(),
            signatures: signatures)
    }
}

extension PackageReference {
    init(json: JSONCursor) throws(JSONPathError) {
        let size = try json.require("size")
        self.init(sha256: try json.require("sha256").string(), size: Int(try size.wireCount()))
    }
}

extension CatalogEntry {
    init(json: JSONCursor) throws(JSONPathError) {
        self.init(
            appId: try json.require("appId").string(), name: try json.require("name").string(),
            category: try json.require("category").string(), version: try json.require("version").wireVersion(),
            package: try PackageReference(json: try json.require("package")),
            grantedScopes: try json.require("grantedScopes").wireStrings(),
            grantedDomains: try json.require("grantedDomains").wireStrings(), gray: try json.require("gray").bool(),
            openId: try json.field("openId")?.string(), partner: try json.field("partner")?.string(),
            description: try json.field("description")?.string(),
            localized: try json.field("localized").map(Self.localized), audience: try json.field("audience")?.string())
    }

    /// `{"zh": {"name": …, "description": …}}`: at most 8 languages.
    private static func localized(_ json: JSONCursor) throws(JSONPathError) -> [String: LocalizedText] {
        let languages = try json.objectMembers()
        guard languages.count <= 8 else { throw json.error("at most 8 languages") }
        var result: [String: LocalizedText] = [:]
        for (language, texts) in languages {
            result[language] = LocalizedText(
                name: try texts.field("name")?.string(), description: try texts.field("description")?.string())
        }
        return result
    }
}

extension HostBrand {
    /// A signed catalog's brand; bounded as the API bounds it.
    init(json: JSONCursor) throws(JSONPathError) {
        func text(_ key: String, _ maximum: Int) throws(JSONPathError) -> String {
            let cursor = try json.require(key)
            let value = try cursor.string()
            guard (1...maximum).contains(value.count) else { throw cursor.error("1 to \(maximum) characters") }
            return value
        }
        let accentCursor = try json.require("accent")
        guard let accent = Accent(rawValue: try accentCursor.string()) else {
            throw accentCursor.error("an unknown accent")
        }
        self.init(
            title: try text("title", Self.maximumTitle),
            titleZh: try json.field("titleZh") == nil ? nil : try text("titleZh", Self.maximumTitle), accent: accent,
            services: try text("services", Self.maximumServices),
            servicesZh: try json.field("servicesZh") == nil ? nil : try text("servicesZh", Self.maximumServices))
    }
}

extension Tombstone {
    init(json: JSONCursor) throws(JSONPathError) {
        self.init(
            appId: try json.require("appId").string(), delistedAt: try json.require("delistedAt").wireDate(),
            reason: try json.require("reason").string(), sequence: try json.require("sequence").wireCount())
    }
}

extension CatalogSnapshot {
    public init(json: JSONCursor) throws(JSONPathError) {
        var entries: [CatalogEntry] = []
        for item in try json.require("entries").array() { entries.append(try CatalogEntry(json: item)) }
        var tombstones: [Tombstone] = []
        for item in try json.require("tombstones").array() { tombstones.append(try Tombstone(json: item)) }
        var grace: Int?
        if let cursor = try json.field("expiryGraceSeconds") { grace = Int(try cursor.wireCount()) }
        self.init(
            hostId: try json.require("hostId").string(), userId: try json.require("userId").string(),
            catalogVersion: try json.require("catalogVersion").wireCount(),
            eventSequence: try json.require("eventSequence").wireCount(),
            issuedAt: try json.require("issuedAt").wireDate(), expiresAt: try json.require("expiresAt").wireDate(),
            entries: entries, tombstones: tombstones, expiryGraceSeconds: grace,
            brand: try json.field("brand").map(HostBrand.init(json:)))
        format = try json.wireFormat()
    }
}

extension CatalogEvent {
    public init(json: JSONCursor) throws(JSONPathError) {
        let kindCursor = try json.require("kind")
        let kindName = try kindCursor.string()
        guard let kind = Kind(rawValue: kindName) else { throw kindCursor.error("unknown event kind '\(kindName)'") }
        self.init(
            hostId: try json.require("hostId").string(), sequence: try json.require("sequence").wireCount(),
            catalogVersion: try json.require("catalogVersion").wireCount(),
            issuedAt: try json.require("issuedAt").wireDate(), expiresAt: try json.require("expiresAt").wireDate(),
            kind: kind, appId: try json.require("appId").string(),
            version: try json.field("version")?.wireVersion(), reason: try json.field("reason")?.string())
        format = try json.wireFormat()
    }
}

extension Acknowledgement {
    static let fields: Set<String> = [
        "format", "hostId", "deviceId", "userId", "catalogVersion", "eventSequence", "installed", "purged", "sentAt",
    ]

    /// Reads an acknowledgement strictly: known fields only, bounded lists and texts.
    public init(json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
        _ = try json.knownWireFormat()
        func text(_ key: String, _ limit: Int) throws(JSONPathError) -> String {
            let cursor = try json.require(key)
            let value = try cursor.string()
            guard (1...limit).contains(value.count) else { throw cursor.error("1 to \(limit) characters") }
            return value
        }
        let installedItems = try json.require("installed").array()
        let purgedItems = try json.require("purged").array()
        guard installedItems.count <= 1_000 else { throw try json.require("installed").error("at most 1000") }
        guard purgedItems.count <= 1_000 else { throw try json.require("purged").error("at most 1000") }
        var installed: [InstalledPackage] = []
        for item in installedItems {
            try item.onlyFields(["appId", "version", "sha256"])
            let sha = try item.require("sha256")
            let digest = try sha.string()
            guard digest.count == 64,
                digest.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            else { throw sha.error("64 lowercase hexadecimal digits") }
            installed.append(
                InstalledPackage(
                    appId: try item.require("appId").string(), version: try item.require("version").wireVersion(),
                    sha256: digest))
        }
        var purged: [String] = []
        for item in purgedItems { purged.append(try item.string()) }
        var userId: String?
        if try json.field("userId") != nil { userId = try text("userId", 128) }
        self.init(
            hostId: try text("hostId", 64), deviceId: try text("deviceId", 64), userId: userId,
            catalogVersion: try json.require("catalogVersion").wireCount(),
            eventSequence: try json.require("eventSequence").wireCount(), installed: installed, purged: purged,
            sentAt: try json.require("sentAt").wireDate())
    }

    /// The acknowledgement as compact JSON with sorted keys (the payload a shell signs).
    public var wireJSON: Data {
        let installed: [JSONValue] = installed.map { package in
            .object([
                "appId": .string(package.appId), "version": .string(package.version.description),
                "sha256": .string(package.sha256),
            ])
        }
        var members: [String: JSONValue] = [
            "format": .number(Double(format)), "hostId": .string(hostId), "deviceId": .string(deviceId),
            "catalogVersion": .number(Double(catalogVersion)), "eventSequence": .number(Double(eventSequence)),
            "installed": .array(installed), "purged": .array(purged.map { .string($0) }),
            "sentAt": .string(Timestamp.format(sentAt)),
        ]
        if let userId { members["userId"] = .string(userId) }
        return Data(JSONValue.object(members).serialized().utf8)
    }
}
