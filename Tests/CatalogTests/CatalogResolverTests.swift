import Catalog
import Foundation
import MiniKit
import MiniSupport
import Testing

struct CatalogResolverTests {
    let v2 = SemanticVersion("2.0.0")!
    let v21 = SemanticVersion("2.1.0")!

    @Test("gray users get the candidate, others the stable version, and widening keeps users in")
    func percentageRollout() {
        let users = (0..<1_000).map { "user-\($0)" }
        func grayUsers(_ percent: Int) -> Set<String> {
            let plan = ReleasePlan(
                appId: "car-insurance", hostId: "mbank", stableVersion: v2,
                gray: .percentage(percent, of: v21, groupId: "car-insurance"))
            let resolver = CatalogResolver(plans: [plan])
            return Set(
                users.filter { resolver.resolve("car-insurance", context: GrayContext(userId: $0))?.version == v21 })
        }
        let ten = grayUsers(10)
        let fifty = grayUsers(50)
        #expect((50...150).contains(ten.count))
        #expect((400...600).contains(fifty.count))
        #expect(ten.isSubset(of: fifty), "widening a rollout never drops a user who had the gray version")
        #expect(grayUsers(100).count == users.count)
        #expect(grayUsers(0).isEmpty)
    }

    @Test("a paused gray release reverts its users to the stable version")
    func paused() {
        var gray = GrayRelease.percentage(100, of: v21, groupId: "car-insurance")
        gray.paused = true
        let resolver = CatalogResolver(plans: [
            ReleasePlan(appId: "car-insurance", hostId: "mbank", stableVersion: v2, gray: gray)
        ])
        #expect(
            resolver.resolve("car-insurance", context: GrayContext(userId: "u1"))
                == .init(appId: "car-insurance", version: v2, isGray: false))
        #expect(resolver.resolve("unknown", context: GrayContext(userId: "u1")) == nil)
    }

    @Test("variants split the gray audience between versions")
    func variants() {
        let gray = GrayRelease(
            version: v21, strategies: [RolloutStrategy(name: "default")],
            variants: [
                FeatureVariant(name: "2.1.0", weight: 50), FeatureVariant(name: "2.2.0-beta.1", weight: 50),
            ])
        let resolver = CatalogResolver(plans: [
            ReleasePlan(appId: "fund", hostId: "mbank", stableVersion: v2, gray: gray)
        ])
        let versions = Set(
            (0..<200).compactMap { resolver.resolve("fund", context: GrayContext(userId: "u\($0)"))?.version })
        #expect(versions == [v21, SemanticVersion("2.2.0-beta.1")!])
        let (resolution, explanation) = resolver.explain("fund", context: GrayContext(userId: "u1"))!
        #expect(resolution.isGray)
        #expect(explanation.variant != nil)
    }

    @Test("plans and wire types round-trip through the wire format")
    func wireRoundTrip() throws {
        let plan = ReleasePlan(
            appId: "car-insurance", hostId: "mbank", stableVersion: v2,
            gray: .percentage(
                20, of: v21, groupId: "car-insurance",
                constraints: [
                    RolloutConstraint(contextName: "region", operator: .in, values: ["shanghai"])
                ]))
        let data = try WireFormat.encoder().encode(plan)
        #expect(try WireFormat.decoder().decode(ReleasePlan.self, from: data) == plan)
        let ack = Acknowledgement(
            hostId: "mbank", deviceId: "d-1", userId: "u1", catalogVersion: 7, eventSequence: 12,
            installed: [.init(appId: "car-insurance", version: v21, sha256: String(repeating: "0", count: 64))],
            purged: ["old-fund"], sentAt: Timestamp.parse("2026-11-25T12:00:00Z")!)
        let ackJSON = String(decoding: try WireFormat.encoder().encode(ack), as: UTF8.self)
        #expect(ackJSON.contains("\"sentAt\":\"2026-11-25T12:00:00.000Z\""))
        #expect(try WireFormat.decoder().decode(Acknowledgement.self, from: Data(ackJSON.utf8)) == ack)
    }

    @Test("malformed plans fail with a path")
    func malformedPlan() {
        let text = #"{"appId": "a", "hostId": "h", "stableVersion": "2.x"}"#
        #expect {
            try WireFormat.decoder().decode(ReleasePlan.self, from: Data(text.utf8))
        } throws: { error in
            WireFormat.describe(error).contains("$.stableVersion")
                && WireFormat.describe(error).contains("not a semantic version")
        }
    }
}
