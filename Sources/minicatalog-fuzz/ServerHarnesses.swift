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
        /// `POST /v1/hosts/:hostId/acks` (ShellRoutes): the size limit, the one-pass JSON check, the decoder and the
        /// route's checks; an acknowledgement the route accepts must be stored and read back as the store does.
        static func acknowledgement(_ data: Data) {
            guard data.count <= ShellRoutes.maximumAcknowledgementSize else { return }
            do {
                _ = try JSONValue.parse(data)
            } catch {
                _ = error.description
                return
            }
            let ack: Acknowledgement
            do {
                ack = try WireFormat.decoder().decode(Acknowledgement.self, from: data)
            } catch {
                _ = WireFormat.describe(error)
                return
            }
            guard ack.hostId == FuzzFixtures.hostId, (1...128).contains(ack.shellId.count),
                ack.installed.count <= 1_000,
                ack.purged.count <= 1_000, (ack.userId?.count ?? 0) <= 128
            else { return }
            // SQLiteCatalogStore.saveAcknowledgement and acknowledgements(hostId:since:).
            guard let stored = try? WireFormat.encoder().encode(ack) else {
                fuzzFinding("an accepted acknowledgement does not encode for the store")
            }
            guard (try? WireFormat.decoder().decode(Acknowledgement.self, from: stored)) != nil else {
                fuzzFinding("a stored acknowledgement does not read back: \(String(decoding: stored, as: UTF8.self))")
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
            // POST /v1/hosts (HostRoutes).
            _ = read(json, HostRoutes.hostApp)
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
