import Catalog
import CatalogTestSupport
import Foundation
import MiniSupport
import Testing

/// The user assertion a host's backend signs: read strictly, verified only with the host's keys.
struct UserAssertionTests {
    static let key = SigningKey.generate()
    static let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))

    static func payload(_ members: [String: JSONValue]) -> Data {
        var all: [String: JSONValue] = [
            "format": 1, "hostId": "mbank", "userId": "u-1", "properties": ["tier": "vip"],
            "issuedAt": "2027-01-15T08:00:00Z", "expiresAt": "2027-01-15T08:15:00Z",
        ]
        for (name, value) in members { all[name] = value == .null ? nil : value }
        return Data(JSONValue.object(all).serialized().utf8)
    }

    @Test("signed and verified: the user, the properties and the device it is bound to")
    func roundTrip() throws {
        let now = Self.clock.now()
        let assertion = UserAssertion(
            hostId: "mbank", userId: "张伟", properties: ["tier": "vip", "email": "z@bank.example"], deviceId: "d-1",
            issuedAt: now, expiresAt: now.addingTimeInterval(900))
        let header = UserAssertion.headerValue(assertion.signed(with: Self.key))
        let envelope = try #require(UserAssertion.envelope(headerValue: header))
        let verified = try UserAssertion.verify(
            envelope, hostId: "mbank", keys: [Self.key.verificationKey], clock: Self.clock)
        #expect(verified == assertion)
        #expect(throws: EnvelopeVerificationError.self) {
            try UserAssertion.verify(envelope, hostId: "carunit", keys: [Self.key.verificationKey], clock: Self.clock)
        }
        #expect(throws: EnvelopeVerificationError.self) {
            try UserAssertion.verify(
                envelope, hostId: "mbank", keys: [SigningKey.generate().verificationKey], clock: Self.clock)
        }
        #expect(throws: EnvelopeVerificationError.self) {
            try UserAssertion.verify(envelope, hostId: "mbank", keys: [], clock: Self.clock)
        }
    }

    @Test("another payload signed by the same key is not an assertion")
    func payloadType() throws {
        let now = Self.clock.now()
        let enrolment = DeviceEnrolment.signed(hostId: "mbank", deviceKey: Self.key, at: now)
        let error = try #require(
            throws: EnvelopeVerificationError.self,
            performing: {
                try UserAssertion.verify(
                    enrolment, hostId: "mbank", keys: [Self.key.verificationKey], clock: Self.clock)
            })
        #expect(error.code == "payload-type-mismatch")
    }

    @Test(
        "read strictly: unknown fields and formats, wrong types, bad ids and names, too many properties, lifetimes",
        arguments: [
            (["colour": "red"], "$.colour: unknown field"),
            (["format": 99], "$.format: format 99"),
            (["format": "1"], "$.format: expected a whole number"),
            (["userId": ""], "$.userId: a user id is 1 to 128"),
            (["userId": .string(String(repeating: "u", count: 129))], "$.userId"),
            (["userId": "a\u{0}b"], "$.userId"),
            (["properties": ["tier": 1]], "$.properties.tier: expected a string"),
            (["properties": ["ti er": "x"]], "a property name"),
            (["properties": ["tier": .string(String(repeating: "v", count: 257))]], "at most 256"),
            (["properties": .object(Dictionary(uniqueKeysWithValues: (0..<33).map { ("p\($0)", "x") }))], "at most 32"),
            (["expiresAt": "2027-01-15T08:00:00Z"], "$.expiresAt: an assertion expires at least 1 s"),
            (["expiresAt": "2027-01-15T08:00:00.5Z"], "$.expiresAt: an assertion expires at least 1 s"),
            (["expiresAt": "2027-01-15T09:00:01Z"], "$.expiresAt"),
            (["issuedAt": .null], "missing required field 'issuedAt'"),
            (["deviceId": 7], "$.deviceId: expected a string"),
        ] as [([String: JSONValue], String)])
    func strict(_ change: [String: JSONValue], _ expected: String) throws {
        let error = try #require(throws: JSONPathError.self) { try UserAssertion(wire: Self.payload(change)) }
        #expect(error.description.contains(expected), "\(error)")
    }

    @Test("duplicate keys are refused before anything is believed")
    func duplicateKeys() throws {
        let text =
            #"{"format":1,"hostId":"mbank","userId":"u-1","userId":"admin","issuedAt":"2027-01-15T08:00:00Z","expiresAt":"2027-01-15T08:15:00Z"}"#
        #expect(throws: JSONPathError.self) { try UserAssertion(wire: Data(text.utf8)) }
        #expect(try UserAssertion(wire: Self.payload([:])).userId == "u-1")
    }

    @Test("a header value that is not base64 of an envelope, or is too long, gives nothing")
    func headerValues() {
        #expect(UserAssertion.envelope(headerValue: "") == nil)
        #expect(UserAssertion.envelope(headerValue: "%%%") == nil)
        #expect(UserAssertion.envelope(headerValue: Data("[]".utf8).base64EncodedString()) == nil)
        #expect(UserAssertion.envelope(headerValue: String(repeating: "A", count: 20_000)) == nil)
    }
}
