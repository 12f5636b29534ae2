import MiniSupport

#if FUZZING || DEBUG
    import Catalog
    import CatalogAPI
    @testable import CatalogServer
    import Foundation
    import MiniKit

    /// What the server reads from shells and operators. The routes' readers are called as the routes call them; the
    /// few readers written inside a route's closure are repeated here word for word.
    enum ServerHarnesses {
        /// `POST /v1/hosts/:hostId/acks` (ShellRoutes): the size limit, the envelope, the device-key verifier
        /// and the strict payload reader, as the route runs them (the input is signed with the fixture key, so it
        /// reaches the payload reader); an accepted acknowledgement must be stored and read back as the store does.
        static func acknowledgement(_ data: Data) {
            guard data.count <= ShellRoutes.maximumAcknowledgementSize else { return }
            let verifier = EnvelopeVerifier(
                policy: VerificationPolicy(
                    trustedKeys: [FuzzFixtures.key.verificationKey], hostId: FuzzFixtures.hostId, userId: nil),
                clock: FuzzFixtures.FixedClock())
            for envelope in [
                try? SignedEnvelope(wire: data),
                SignedEnvelope.sign(payload: data, payloadType: Acknowledgement.payloadType, with: [FuzzFixtures.key]),
            ] {
                guard let envelope else { continue }
                let ack: Acknowledgement
                do {
                    ack = try verifier.verify(envelope, as: Acknowledgement.self)
                } catch {
                    _ = SignedBody.problem(error, what: "acknowledgement").detail
                    continue
                }
                // SQLiteCatalogStore.saveAcknowledgement and acknowledgement(deviceId:).
                guard let readBack = try? Acknowledgement(wire: ack.wireJSON), readBack == ack else {
                    fuzzFinding(
                        "a stored acknowledgement does not read back: \(String(decoding: ack.wireJSON, as: UTF8.self))")
                }
            }
        }

        /// `POST /v1/hosts/:hostId/devices` (DeviceRoutes): the envelope and the enrolment verifier, with the key the
        /// enrolment names; the input is also signed by a key it names, so it reaches every check.
        static func enrolment(_ data: Data) {
            guard data.count <= DeviceRoutes.maximumEnrolmentSize else { return }  // the route answers 413 first
            let clock = FuzzFixtures.FixedClock()
            var envelopes: [SignedEnvelope] = []
            if let envelope = try? SignedEnvelope(wire: data) { envelopes.append(envelope) }
            envelopes.append(
                SignedEnvelope.sign(payload: data, payloadType: DeviceEnrolment.payloadType, with: [FuzzFixtures.key]))
            for envelope in envelopes {
                do {
                    let enrolment = try DeviceEnrolment.verify(envelope, hostId: FuzzFixtures.hostId, clock: clock)
                    guard (try? VerificationKey(base64: enrolment.publicKey)) != nil else {
                        fuzzFinding("an accepted enrolment names no usable key: \(enrolment.publicKey)")
                    }
                } catch {
                    _ = SignedBody.problem(error, what: "enrolment").detail
                }
            }
        }

        /// `GET /v1/hosts/:hostId/catalog` (SyncRoutes): the `Minicatalog-User-Assertion` header, as text and as
        /// the envelope it decodes to, verified with the host's key; the input is also signed as a payload, so it
        /// reaches the strict reader. An accepted assertion must write and read back the same (to the millisecond).
        static func userAssertion(_ data: Data) {
            let clock = FuzzFixtures.FixedClock()
            var envelopes: [SignedEnvelope] = []
            if let header = String(data: data, encoding: .utf8),
                let envelope = UserAssertion.envelope(headerValue: header)
            {
                envelopes.append(envelope)
            }
            if let envelope = try? SignedEnvelope(wire: data) { envelopes.append(envelope) }
            envelopes.append(
                SignedEnvelope.sign(payload: data, payloadType: UserAssertion.payloadType, with: [FuzzFixtures.key]))
            for envelope in envelopes {
                do {
                    let assertion = try UserAssertion.verify(
                        envelope, hostId: FuzzFixtures.hostId, keys: [FuzzFixtures.key.verificationKey], clock: clock)
                    // Times are written to the millisecond; a finer one read from the input is the same instant then.
                    guard UserAssertion.isUserId(assertion.userId),
                        let readBack = try? UserAssertion(wire: assertion.wireJSON),
                        readBack.userId == assertion.userId, readBack.properties == assertion.properties,
                        readBack.deviceId == assertion.deviceId, readBack.hostId == assertion.hostId,
                        Timestamp.format(readBack.issuedAt) == Timestamp.format(assertion.issuedAt),
                        Timestamp.format(readBack.expiresAt) == Timestamp.format(assertion.expiresAt)
                    else {
                        fuzzFinding(
                            "an accepted assertion does not read back: \(String(decoding: assertion.wireJSON, as: UTF8.self))"
                        )
                    }
                } catch {
                    _ = error.description
                }
            }
        }

        static let listingActions = [
            "release", "widen", "full", "pause", "cancel", "rollback", "delist", "relist", "seed",
        ]

        /// Every JSON body reader of the routes, on the same document (`RequestBody.json` then the route's reader).
        static func requestBodies(_ data: Data) {
            guard data.count <= RequestBody.maximumJSONSize else { return }
            let json: JSONCursor
            do {
                json = JSONCursor(try JSONValue.parse(data))
            } catch {
                _ = error.description
                return
            }
            // POST /v1/segments (SegmentRoutes); a created segment is stored as JSON and read back on every load.
            var segments = [Segment(id: 2, name: "staff", constraints: [])]
            if let (name, constraints) = read(json, SegmentRoutes.segment) {
                let stored = JSONValue.array(constraints.map(\.jsonValue)).serialized()
                guard let value = try? JSONValue.parse(Data(stored.utf8)), let items = try? JSONCursor(value).array()
                else { fuzzFinding("a stored segment's constraints do not parse: \(stored)") }
                var readBack: [RolloutConstraint] = []
                for item in items {
                    guard let constraint = try? RolloutConstraint(request: item) else {
                        fuzzFinding("a stored segment's constraint does not read back: \(stored)")
                    }
                    readBack.append(constraint)
                }
                segments.append(Segment(id: 1, name: name, constraints: readBack))
            }
            // POST /v1/apps/:appId/{release, widen, …} (ReleaseRoutes) and a seed file's releases (Seeder).
            for action in listingActions {
                if let request = read(
                    json, { json throws(JSONPathError) in try ListingRequest(json: json, action: action) })
                {
                    if action == "release" { audience(request, segments: segments) }
                }
            }
            // POST /v1/hosts and POST /v1/hosts/:hostId/user-trust (HostRoutes).
            _ = read(json, HostRoutes.hostApp)
            _ = read(json, HostUserTrust.init(json:))
            // POST /v1/partners and POST /v1/apps (AppRoutes).
            _ = read(json, PartnerCreate.init(json:))
            _ = read(json, AppRoutes.miniProgram)
            // Reasons: review rejections (ReviewRoutes) and host deactivation (HostRoutes).
            _ = read(json, ReviewRoutes.rejection)
            _ = read(json, ReasonRequest.init(json:))
            // One constraint on its own, as the segment and release readers read each item.
            _ = read(json) { json throws(JSONPathError) in try RolloutConstraint(request: json) }
        }

        /// Runs a route's reader through `RequestBody.read`, which words a refused body as its problem document.
        private static func read<T>(_ json: JSONCursor, _ reader: (JSONCursor) throws(JSONPathError) -> T) -> T? {
            try? RequestBody.read(json, reader)
        }

        /// Users with the fields constraints test: ids, addresses, versions, times, properties.
        static let contexts: [GrayContext] = [
            GrayContext(),
            GrayContext(
                userId: "u-1", sessionId: "s-1", remoteAddress: "10.1.2.3", appName: "mbank", environment: "production",
                properties: ["tier": "vip", "region": "shanghai", "hostVersion": "7.2.0", "email": "a@bank.example"]),
            GrayContext(
                userId: "user-with-a-longer-id-42", remoteAddress: "2001:db8::1", appName: "carunit",
                currentTime: FuzzFixtures.now,
                properties: ["beta": "true", "hostVersion": "8.0.0-rc.1", "age": "17.5"]),
        ]

        /// What the server does with a release body: the gray audience, its summary, the plan as stored and read back,
        /// and the versions users get (the catalog resolver, with the segments).
        private static func audience(_ request: ListingRequest, segments: [Segment]) {
            _ = request.isGray
            guard let version = request.version else { return }
            let gray: GrayRelease?
            do {
                gray = try request.grayRelease(appId: "fuzz.app", version: version, segmentIds: ["vip": 1, "staff": 2])
            } catch {
                _ = error.description
                return
            }
            guard let gray else { return }
            _ = gray.audienceSummary(segmentNames: [1: "vip", 2: "staff"])
            let stable = SemanticVersion("1.0.0")
            for plan in [
                ReleasePlan(appId: "fuzz.app", hostId: FuzzFixtures.hostId, stableVersion: stable, gray: gray),
                ReleasePlan(
                    appId: "fuzz.app", hostId: FuzzFixtures.hostId, stableVersion: nil,
                    gray: gray.widened(to: 50, groupId: "fuzz.app")),
            ] {
                // SQLiteCatalogStore keeps the plan as the wire encoder writes it and reads it with the wire decoder.
                guard let stored = try? WireFormat.encoder().encode(plan) else {
                    fuzzFinding("a release plan does not encode for the store")
                }
                guard (try? WireFormat.decoder().decode(ReleasePlan.self, from: stored)) != nil else {
                    fuzzFinding("a stored release plan does not read back: \(String(decoding: stored, as: UTF8.self))")
                }
                let resolver = CatalogResolver(plans: [plan], segments: segments, clock: FuzzFixtures.FixedClock())
                for context in contexts {
                    _ = resolver.resolve("fuzz.app", context: context)
                    if let (_, explanation) = resolver.explain("fuzz.app", context: context) { _ = explanation.text }
                }
            }
        }
    }
#endif
