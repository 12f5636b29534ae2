import Catalog
import CatalogTestSupport
import Foundation
import MiniKit
import MiniSupport
import Testing

struct EnvelopeVerifierTests {
    let clock = ManualClock()
    let key = SigningKey.generate()

    func snapshot(
        host: String = "mbank", user: String = "u1", version: UInt64 = 5, issuedOffset: TimeInterval = 0,
        lifetime: TimeInterval = 3600
    ) -> CatalogSnapshot {
        CatalogSnapshot(
            hostId: host, userId: user, catalogVersion: version, eventSequence: 12,
            issuedAt: clock.now().addingTimeInterval(issuedOffset),
            expiresAt: clock.now().addingTimeInterval(issuedOffset + lifetime),
            entries: [
                CatalogEntry(
                    appId: "car-insurance", name: "车险报价", category: "insurance", version: SemanticVersion("2.1.0")!,
                    package: PackageReference(sha256: String(repeating: "ab", count: 32), size: 2048), gray: true)
            ],
            tombstones: [
                Tombstone(appId: "old-fund", delistedAt: clock.now(), reason: "licence withdrawn", sequence: 11)
            ])
    }

    func verifier(user: String? = "u1", last: UInt64? = nil, keys: [VerificationKey]? = nil, grace: TimeInterval = 0)
        -> EnvelopeVerifier
    {
        EnvelopeVerifier(
            policy: VerificationPolicy(
                trustedKeys: keys ?? [key.verificationKey], hostId: "mbank", userId: user, lastAcceptedVersion: last,
                expiryGrace: grace),
            clock: clock)
    }

    func expectRefusal(
        _ envelope: SignedEnvelope, by verifier: EnvelopeVerifier, code: String, mentioning fragment: String
    ) {
        #expect {
            try verifier.verify(envelope, as: CatalogSnapshot.self)
        } throws: { error in
            guard let error = error as? EnvelopeVerificationError else { return false }
            return error.code == code && error.description.contains(fragment)
        }
    }

    @Test("a good envelope verifies and yields the exact payload")
    func verifies() throws {
        let payload = snapshot()
        let envelope = try SignedEnvelope.sign(payload, with: [key])
        #expect(try verifier().verify(envelope, as: CatalogSnapshot.self) == payload)
        // Round trip through the wire: the envelope JSON carries base64 payload and signatures.
        let wire = try WireFormat.encoder().encode(envelope)
        let decoded = try WireFormat.decoder().decode(SignedEnvelope.self, from: wire)
        #expect(try verifier().verify(decoded, as: CatalogSnapshot.self) == payload)
    }

    @Test func unknownKey() throws {
        let stranger = SigningKey.generate()
        expectRefusal(
            try SignedEnvelope.sign(snapshot(), with: [stranger]), by: verifier(), code: "unknown-key",
            mentioning: stranger.keyID.rawValue)
    }

    @Test func badSignature() throws {
        var envelope = try SignedEnvelope.sign(snapshot(), with: [key])
        var bytes = [UInt8](envelope.payload)
        bytes[bytes.count / 2] ^= 0x01
        envelope.payload = Data(bytes)
        expectRefusal(envelope, by: verifier(), code: "bad-signature", mentioning: "altered or forged")
        // A signature forged with another key but labelled with the pinned key id is a bad signature too.
        var forged = try SignedEnvelope.sign(snapshot(), with: [SigningKey.generate()])
        forged.signatures[0].keyid = key.keyID
        expectRefusal(forged, by: verifier(), code: "bad-signature", mentioning: "does not verify")
    }

    @Test func payloadTypeMismatch() throws {
        // An event envelope offered where a snapshot is expected.
        let event = CatalogEvent(
            hostId: "mbank", sequence: 9, catalogVersion: 6, issuedAt: clock.now(),
            expiresAt: clock.now().addingTimeInterval(60), kind: .delisted, appId: "x", reason: "r")
        expectRefusal(
            try SignedEnvelope.sign(event, with: [key]), by: verifier(), code: "payload-type-mismatch",
            mentioning: "expected '\(CatalogSnapshot.payloadType)'")
        // Relabelling the type breaks the signature, because the signature covers the type (PAE).
        var relabelled = try SignedEnvelope.sign(event, with: [key])
        relabelled.payloadType = CatalogSnapshot.payloadType
        expectRefusal(relabelled, by: verifier(), code: "bad-signature", mentioning: "does not verify")
    }

    @Test func rollback() throws {
        expectRefusal(
            try SignedEnvelope.sign(snapshot(version: 4), with: [key]), by: verifier(last: 5), code: "rollback",
            mentioning: "version 4 is lower than version 5")
        // The same version again is a re-delivery, not a rollback.
        #expect(
            try verifier(last: 5).verify(
                try SignedEnvelope.sign(snapshot(version: 5), with: [key]), as: CatalogSnapshot.self
            ).catalogVersion == 5)
    }

    @Test func mixAndMatch() throws {
        expectRefusal(
            try SignedEnvelope.sign(snapshot(host: "car-unit"), with: [key]), by: verifier(), code: "host-mismatch",
            mentioning: "for host 'car-unit'")
        expectRefusal(
            try SignedEnvelope.sign(snapshot(user: "u2"), with: [key]), by: verifier(), code: "user-mismatch",
            mentioning: "for user 'u2'")
        // Host-wide events carry no user binding and are accepted for any user.
        let event = CatalogEvent(
            hostId: "mbank", sequence: 9, catalogVersion: 6, issuedAt: clock.now(),
            expiresAt: clock.now().addingTimeInterval(60), kind: .delisted, appId: "x", reason: "r")
        #expect(
            try verifier(user: "anyone").verify(try SignedEnvelope.sign(event, with: [key]), as: CatalogEvent.self)
                .appId == "x")
    }

    @Test func expiredFreeze() throws {
        let envelope = try SignedEnvelope.sign(snapshot(lifetime: 60), with: [key])
        clock.advance(by: 61)
        expectRefusal(envelope, by: verifier(), code: "expired", mentioning: "freeze")
        #expect(throws: Never.self) { try verifier(grace: 120).verify(envelope, as: CatalogSnapshot.self) }
    }

    @Test func issuedInTheFuture() throws {
        let envelope = try SignedEnvelope.sign(snapshot(issuedOffset: 301), with: [key])
        expectRefusal(envelope, by: verifier(), code: "issued-in-future", mentioning: "check the clocks")
        #expect(throws: Never.self) {
            try verifier().verify(
                try SignedEnvelope.sign(snapshot(issuedOffset: 299), with: [key]), as: CatalogSnapshot.self)
        }
    }

    @Test func unsignedAndMalformed() throws {
        var envelope = try SignedEnvelope.sign(snapshot(), with: [key])
        envelope.signatures = []
        expectRefusal(envelope, by: verifier(), code: "unsigned", mentioning: "no signatures")
        let garbage = SignedEnvelope.sign(
            payload: Data("{\"format\": 1}".utf8), payloadType: CatalogSnapshot.payloadType, with: [key])
        expectRefusal(garbage, by: verifier(), code: "malformed-payload", mentioning: "missing required field")
        var future = snapshot()
        future.format = 2
        expectRefusal(
            try SignedEnvelope.sign(future, with: [key]), by: verifier(), code: "malformed-payload",
            mentioning: "wire format 2 is not supported")
    }

    @Test("with several pinned keys, a threshold counts distinct valid signers")
    func threshold() throws {
        let second = SigningKey.generate()
        let both = try SignedEnvelope.sign(snapshot(), with: [key, second])
        var policy = VerificationPolicy(
            trustedKeys: [key.verificationKey, second.verificationKey], threshold: 2, hostId: "mbank", userId: "u1")
        #expect(throws: Never.self) {
            try EnvelopeVerifier(policy: policy, clock: clock).verify(both, as: CatalogSnapshot.self)
        }
        let one = try SignedEnvelope.sign(snapshot(), with: [key, key])
        policy.threshold = 2
        expectRefusal(
            one, by: EnvelopeVerifier(policy: policy, clock: clock), code: "below-threshold",
            mentioning: "1 valid signature(s)")
    }

    @Test("the pre-authentication encoding is DSSE's")
    func pae() {
        let encoded = SignedEnvelope.preAuthenticationEncoding(
            payloadType: "http://example.com/HelloWorld", payload: Data("hello world".utf8))
        #expect(String(decoding: encoded, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
    }
}
