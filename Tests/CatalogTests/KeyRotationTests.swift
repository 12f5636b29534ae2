import Catalog
import CatalogTestSupport
import Foundation
import MiniSupport
import Testing

/// Rotation statements and the chain a shell follows from the key it pins.
struct KeyRotationTests {
    static let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
    static let k0 = SigningKey.generate()
    static let k1 = SigningKey.generate()
    static let k2 = SigningKey.generate()

    static func statement(_ sequence: UInt64, _ from: SigningKey, _ to: SigningKey) -> SignedEnvelope {
        KeyRotation.signed(sequence: sequence, from: from, to: to, at: clock.now().addingTimeInterval(-86_400))
    }

    @Test("one rotation: the pinned key is retired and its successor trusted")
    func one() {
        let outcome = KeyRotationChain.follow(
            from: [Self.k0.verificationKey], statements: [Self.statement(1, Self.k0, Self.k1)], clock: Self.clock)
        #expect(outcome.keys == [Self.k1.verificationKey])
        #expect(outcome.retired == [Self.k0.verificationKey])
        #expect(outcome.refused.isEmpty)
    }

    @Test("offline across two rotations, statements in any order: the whole chain is followed")
    func two() {
        let statements = [Self.statement(2, Self.k1, Self.k2), Self.statement(1, Self.k0, Self.k1)]
        let fromStart = KeyRotationChain.follow(
            from: [Self.k0.verificationKey], statements: statements, clock: Self.clock)
        #expect(fromStart.keys == [Self.k2.verificationKey])
        #expect(fromStart.retired == [Self.k0.verificationKey, Self.k1.verificationKey])
        // A shell that pinned the middle key passes over the statement that came before it.
        let fromMiddle = KeyRotationChain.follow(
            from: [Self.k1.verificationKey], statements: statements, clock: Self.clock)
        #expect(fromMiddle.keys == [Self.k2.verificationKey])
        #expect(fromMiddle.retired == [Self.k1.verificationKey])
        // Already current: nothing changes.
        let current = KeyRotationChain.follow(
            from: [Self.k2.verificationKey], statements: statements, clock: Self.clock)
        #expect(current.keys == [Self.k2.verificationKey] && current.retired.isEmpty)
    }

    @Test("a statement not signed by both keys moves nothing: an attacker's key, the new key alone, the old alone")
    func forged() {
        let attacker = SigningKey.generate()
        let payload = KeyRotation(
            sequence: 1, previousKey: Self.k0.verificationKey, newKey: attacker.verificationKey,
            issuedAt: Self.clock.now())
        let cases: [(String, SignedEnvelope)] = [
            (
                "the new key alone",
                SignedEnvelope.sign(payload: payload.wireJSON, payloadType: KeyRotation.payloadType, with: [attacker])
            ),
            (
                "the old key alone",
                SignedEnvelope.sign(payload: payload.wireJSON, payloadType: KeyRotation.payloadType, with: [Self.k0])
            ),
            (
                "both, but another payload type",
                SignedEnvelope.sign(
                    payload: payload.wireJSON, payloadType: Acknowledgement.payloadType, with: [Self.k0, attacker])
            ),
            (
                "a statement naming another key than it was signed by",
                SignedEnvelope.sign(
                    payload: payload.wireJSON, payloadType: KeyRotation.payloadType, with: [Self.k0, Self.k1])
            ),
        ]
        for (what, envelope) in cases {
            let outcome = KeyRotationChain.follow(
                from: [Self.k0.verificationKey], statements: [envelope], clock: Self.clock)
            #expect(outcome.keys == [Self.k0.verificationKey], "\(what)")
            #expect(outcome.retired.isEmpty, "\(what)")
        }
        let refused = KeyRotationChain.follow(
            from: [Self.k0.verificationKey], statements: [cases[0].1], clock: Self.clock)
        #expect(refused.refused.map(\.code) == ["below-threshold"] || refused.refused.map(\.code) == ["bad-signature"])
    }

    @Test("a retired key never comes back, even with both signatures")
    func noReturn() {
        let statements = [Self.statement(1, Self.k0, Self.k1), Self.statement(2, Self.k1, Self.k0)]
        let outcome = KeyRotationChain.follow(
            from: [Self.k0.verificationKey], statements: statements, clock: Self.clock)
        #expect(outcome.keys == [Self.k1.verificationKey])
        #expect(outcome.refused.map(\.code) == ["retired-key"])
    }

    @Test("a long history: the newest statements are followed from a recently pinned key")
    func longHistory() {
        let keys = (0...1_100).map { _ in SigningKey.generate() }
        let statements = (1...1_100).map { Self.statement(UInt64($0), keys[$0 - 1], keys[$0]) }
        let outcome = KeyRotationChain.follow(
            from: [keys[1_090].verificationKey], statements: statements.reversed(), clock: Self.clock)
        #expect(outcome.keys == [keys[1_100].verificationKey])
        #expect(outcome.retired.count == 10)
        let before = KeyRotationChain.follow(
            from: [keys[1_100].verificationKey], alreadyRetired: [keys[5].verificationKey],
            statements: [
                Self.statement(1_101, keys[1_100], keys[5])
            ], clock: Self.clock)
        #expect(before.keys == [keys[1_100].verificationKey])
        #expect(before.refused.map(\.code) == ["retired-key"])
    }

    @Test("the answer of GET /v1/keys/rotations: its envelopes, unreadable items left out")
    func answer() throws {
        let good = Self.statement(1, Self.k0, Self.k1)
        let text = #"{"rotations": [\#(String(decoding: good.wireJSON, as: UTF8.self)), {"payload": 3}, 7]}"#
        #expect(try KeyRotationChain.statements(json: Data(text.utf8)).count == 1)
        #expect(throws: JSONPathError.self) { try KeyRotationChain.statements(json: Data("[]".utf8)) }
    }

    @Test("a statement from the future is refused; the chain stops before it")
    func future() {
        let late = KeyRotation.signed(
            sequence: 2, from: Self.k1, to: Self.k2, at: Self.clock.now().addingTimeInterval(3_600))
        let outcome = KeyRotationChain.follow(
            from: [Self.k0.verificationKey], statements: [Self.statement(1, Self.k0, Self.k1), late], clock: Self.clock)
        #expect(outcome.keys == [Self.k1.verificationKey])
        #expect(outcome.refused.map(\.code) == ["issued-in-future"])
    }

    @Test(
        "read strictly: unknown fields and formats, sequence 0, a key that is not one, a key succeeding itself",
        arguments: [
            (#""colour":"red""#, "unknown field 'colour'"),
            (#""format":2"#, "$.format: format 2"),
            (#""sequence":0"#, "$.sequence: rotations are numbered from 1"),
            (#""sequence":"1""#, "$.sequence: expected a whole number"),
            (#""newKey":"AAAA""#, "$.newKey: not a base64 Ed25519 public key"),
            (#""newKey":"PREVIOUS""#, "$.newKey: a key cannot succeed itself"),
        ])
    func strict(_ change: String, _ expected: String) throws {
        var members: [String: String] = [
            "format": "1", "sequence": "1", "previousKey": "\"\(Self.k0.verificationKey.base64)\"",
            "newKey": "\"\(Self.k1.verificationKey.base64)\"", "issuedAt": "\"2027-01-15T08:00:00Z\"",
        ]
        let parts = change.split(separator: ":", maxSplits: 1).map(String.init)
        let name = String(parts[0].dropFirst().dropLast())
        members[name] = parts[1] == "\"PREVIOUS\"" ? members["previousKey"] : parts[1]
        let text = "{" + members.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        let error = try #require(throws: JSONPathError.self) { try KeyRotation(wire: Data(text.utf8)) }
        #expect(error.description.contains(expected), "\(error)")
    }
}
