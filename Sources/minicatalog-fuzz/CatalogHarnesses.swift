import MiniSupport

#if FUZZING || DEBUG
    import Catalog
    import Foundation

    /// The fixed key, host, user and time the signed harnesses use (the seeds are signed with the same key).
    enum FuzzFixtures {
        /// A fixed Ed25519 key: 32 bytes of 0x2A. For fuzzing only.
        static let key: SigningKey = {
            guard let key = try? SigningKey(rawRepresentation: Data(repeating: 0x2A, count: 32)) else {
                fatalError("the fixed fuzzing key does not load")
            }
            return key
        }()
        /// The key a rotation statement hands over to: 32 bytes of 0x2B.
        static let nextKey: SigningKey = {
            guard let key = try? SigningKey(rawRepresentation: Data(repeating: 0x2B, count: 32)) else {
                fatalError("the fixed fuzzing key does not load")
            }
            return key
        }()
        static let hostId = "mbank"
        static let userId = "u-1"
        /// 2026-12-06T00:00:00Z: the seeds are issued an hour before and expire a day after.
        static let now = Date(timeIntervalSince1970: 1_796_515_200)

        struct FixedClock: CatalogClock {
            func now() -> Date { FuzzFixtures.now }
        }

        /// A shell's verifier: the pinned key, its host and user, and optionally what it accepted last.
        static func verifier(lastVersion: UInt64? = nil, lastIssuedAt: Date? = nil) -> EnvelopeVerifier {
            EnvelopeVerifier(
                policy: VerificationPolicy(
                    trustedKeys: [key.verificationKey], hostId: hostId, userId: userId,
                    lastAcceptedVersion: lastVersion,
                    lastAcceptedIssuedAt: lastIssuedAt),
                clock: FixedClock())
        }
    }

    /// Catalog's wire formats, as a shell reads them.
    enum CatalogHarnesses {
        /// Parses the document; what parses must write JSON that parses again (the server serializes what it read).
        static func json(_ data: Data) {
            let value: JSONValue
            do {
                value = try JSONValue.parse(data)
            } catch {
                _ = error.description
                return
            }
            let written = value.serialized()
            do {
                _ = try JSONValue.parse(Data(written.utf8))
            } catch {
                fuzzFinding("JSON written from a parsed document does not parse: \(error)")
            }
        }

        /// The bytes of a sync reply: read as an envelope and verified as a catalog. Forged signatures stop at the
        /// signature check, so the payload is then signed again with the pinned key and verified once more, with and
        /// without an earlier catalog: that reaches the payload reader and every policy check behind the signature.
        static func envelope(_ data: Data) {
            let envelope: SignedEnvelope
            do {
                envelope = try SignedEnvelope(wire: data)
            } catch {
                _ = error.description
                return
            }
            verify(envelope, as: CatalogSnapshot.self)
            let resigned = SignedEnvelope.sign(
                payload: envelope.payload, payloadType: envelope.payloadType, with: [FuzzFixtures.key])
            verify(resigned, as: CatalogSnapshot.self)
            verify(resigned, as: CatalogSnapshot.self, lastVersion: 7, lastIssuedAt: FuzzFixtures.now)
        }

        /// The payload of an event (the `data` of a `catalog` event, once its envelope is open), signed with the pinned
        /// key and verified as the agent verifies events: with no earlier event and after one.
        static func event(_ data: Data) {
            let envelope = SignedEnvelope.sign(
                payload: data, payloadType: CatalogEvent.payloadType, with: [FuzzFixtures.key])
            verify(envelope, as: CatalogEvent.self)
            verify(
                envelope, as: CatalogEvent.self, lastVersion: 3, lastIssuedAt: FuzzFixtures.now.addingTimeInterval(-60))
        }

        /// The key rotations a shell fetches after an unknown key (`GET /v1/keys/rotations`), followed from the pinned
        /// key; the input is also taken as one statement's payload, signed by the pinned key and the next fixture key,
        /// so it reaches the strict reader. The pin may only move to a key some statement names, and never to a key
        /// the chain retired.
        static func rotation(_ data: Data) {
            var statements = (try? KeyRotationChain.statements(json: data)) ?? []
            statements.append(
                SignedEnvelope.sign(
                    payload: data, payloadType: KeyRotation.payloadType, with: [FuzzFixtures.key, FuzzFixtures.nextKey])
            )
            let pinned = [FuzzFixtures.key.verificationKey]
            let outcome = KeyRotationChain.follow(
                from: pinned, statements: statements, clock: FuzzFixtures.FixedClock())
            let named = Set(statements.compactMap { try? KeyRotation(wire: $0.payload) }.map(\.newKey))
            for key in outcome.keys where !pinned.contains(key) && !named.contains(key.base64) {
                fuzzFinding("the pin moved to a key no statement names: \(key.base64)")
            }
            for key in outcome.retired where outcome.keys.contains(key) {
                fuzzFinding("a retired key is trusted again: \(key.base64)")
            }
            guard !outcome.keys.isEmpty else { fuzzFinding("following the chain left no key to trust") }
        }

        /// Verifies, and words the refusal as the agent logs it.
        private static func verify<P: SignedPayload>(
            _ envelope: SignedEnvelope, as type: P.Type, lastVersion: UInt64? = nil, lastIssuedAt: Date? = nil
        ) {
            do {
                let payload = try FuzzFixtures.verifier(lastVersion: lastVersion, lastIssuedAt: lastIssuedAt).verify(
                    envelope, as: type)
                _ = payload.header
            } catch {
                _ = error.code
                _ = error.description
            }
        }
    }
#endif
