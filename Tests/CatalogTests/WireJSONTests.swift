import Catalog
import Foundation
import MiniKit
import MiniSupport
import Testing

/// The shell's JSON reading and writing agree with the server's Codable encoder and decoder.
struct WireJSONTests {
    static let at = Date(timeIntervalSince1970: 1_795_000_000)

    static let snapshot = CatalogSnapshot(
        hostId: "mbank", userId: "张伟", catalogVersion: 41, eventSequence: 17, issuedAt: at,
        expiresAt: at.addingTimeInterval(3600),
        entries: [
            CatalogEntry(
                appId: "com.carins.quote", name: "车险 \"quote\"", category: "insurance",
                version: SemanticVersion("2.1.0-beta.1")!,
                package: PackageReference(sha256: String(repeating: "ab", count: 32), size: 4127),
                grantedScopes: ["payment", "location"], grantedDomains: ["api.carins.example"], gray: true)
        ],
        tombstones: [Tombstone(appId: "old", delistedAt: at, reason: "licence\nwithdrawn", sequence: 9)],
        expiryGraceSeconds: 600)

    static func read<P: SignedPayload>(_ type: P.Type, _ data: Data) throws -> P {
        try P(json: JSONCursor(try JSONValue.parse(data)))
    }

    @Test("catalogs and events written by the server's encoder read back equal")
    func roundTrip() throws {
        let encoder = WireFormat.encoder()
        #expect(try Self.read(CatalogSnapshot.self, encoder.encode(Self.snapshot)) == Self.snapshot)
        var withoutGrace = Self.snapshot
        withoutGrace.expiryGraceSeconds = nil
        #expect(try Self.read(CatalogSnapshot.self, encoder.encode(withoutGrace)) == withoutGrace)
        for event in [
            CatalogEvent(
                hostId: "mbank", sequence: 18, catalogVersion: 42, issuedAt: Self.at, expiresAt: Self.at,
                kind: .delisted,
                appId: "com.carins.quote", reason: "Partner licence suspended"),
            CatalogEvent(
                hostId: "mbank", sequence: 19, catalogVersion: 43, issuedAt: Self.at, expiresAt: Self.at,
                kind: .rolledBack, appId: "com.carins.quote", version: SemanticVersion("2.0.0")),
        ] {
            #expect(try Self.read(CatalogEvent.self, encoder.encode(event)) == event)
        }
        let key = SigningKey.generate()
        let envelope = try SignedEnvelope.sign(Self.snapshot, with: [key])
        #expect(try SignedEnvelope(wire: encoder.encode(envelope)) == envelope)
    }

    @Test("an acknowledgement written by the shell reads back equal through the server's strict reader")
    func acknowledgement() throws {
        for user in ["u-1", nil] {
            let ack = Acknowledgement(
                hostId: "mbank", deviceId: "d-1", userId: user, catalogVersion: 41, eventSequence: 17,
                installed: [
                    .init(
                        appId: "com.carins.quote", version: SemanticVersion("2.1.0")!,
                        sha256: String(repeating: "ab", count: 32))
                ],
                purged: ["old"], sentAt: Self.at)
            #expect(try Acknowledgement(wire: ack.wireJSON) == ack)
        }
    }

    @Test(
        "an acknowledgement is read strictly",
        arguments: [
            (#""format":99"#, "$.format: format 99 is not one this build reads"),
            (#""shellId":"x""#, "$.shellId: unknown field 'shellId'"),
            (#""catalogVersion":"7""#, "$.catalogVersion: expected a whole number"),
        ])
    func acknowledgementRefusals(_ change: String, _ expected: String) throws {
        let ack = Acknowledgement(
            hostId: "mbank", deviceId: "d-1", userId: nil, catalogVersion: 7, eventSequence: 1, installed: [],
            purged: [], sentAt: Self.at)
        var object = try #require(try JSONValue.parse(ack.wireJSON))
        let changed = try #require(try JSONValue.parse(Data("{\(change)}".utf8)))
        guard case .object(var members) = object, case .object(let more) = changed else {
            Issue.record("not objects")
            return
        }
        members.merge(more) { _, new in new }
        object = .object(members)
        #expect {
            _ = try Acknowledgement(wire: Data(object.serialized().utf8))
        } throws: { error in
            (error as? JSONPathError)?.description.hasPrefix(expected) == true
        }
    }

    @Test("bad payloads are refused with the JSON path of what is wrong")
    func refusals() throws {
        func refusal(_ json: String) -> String {
            do {
                _ = try Self.read(CatalogSnapshot.self, Data(json.utf8))
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        var object = try #require(try JSONValue.parse(WireFormat.encoder().encode(Self.snapshot)))
        guard case .object(var members) = object, case .array(var entries) = members["entries"]!,
            case .object(var entry) = entries[0]
        else { Issue.record("not an object"); return }
        entry["version"] = .string("2.x")
        entries[0] = .object(entry)
        members["entries"] = .array(entries)
        object = .object(members)
        #expect(
            refusal(object.serialized()) == "$.entries[0].version: '2.x' is not a semantic version (MAJOR.MINOR.PATCH)")
        members["entries"] = .array([])
        members["catalogVersion"] = .string("41")
        #expect(refusal(JSONValue.object(members).serialized()).hasPrefix("$.catalogVersion: expected a whole number"))
        members["catalogVersion"] = .number(-1)
        #expect(refusal(JSONValue.object(members).serialized()).hasPrefix("$.catalogVersion: expected a whole number"))
        members["catalogVersion"] = .number(41)
        members["issuedAt"] = .string("yesterday")
        #expect(
            refusal(JSONValue.object(members).serialized()) == "$.issuedAt: 'yesterday' is not an RFC 3339 date-time")
        members.removeValue(forKey: "issuedAt")
        #expect(refusal(JSONValue.object(members).serialized()) == "$: missing required field 'issuedAt'")
        #expect(refusal("[1, 2").hasPrefix("$"))
        #expect(throws: JSONPathError.self) {
            try SignedEnvelope(wire: Data(#"{"payloadType": "x", "payload": "%%", "signatures": []}"#.utf8))
        }
    }
}
