import Catalog
import Foundation
import MiniKit
import MiniSupport

/// The Catalog core's benchmarks: gray evaluations, envelope sign and verify.
enum CatalogBenchmarks {
    // MARK: Gray evaluation

    /// A 100-mini-program catalog of flexibleRollout plans, each with 2 or 3 constraints.
    static func catalogPlans() -> [ReleasePlan] {
        let regions = ["shanghai", "beijing", "shenzhen", "guangzhou", "hangzhou", "chengdu", "wuhan", "xian"]
        return (0..<100).map { index in
            var constraints = [
                RolloutConstraint(
                    contextName: "region", operator: .in, values: Array(regions.shuffled().prefix(3 + index % 4))),
                RolloutConstraint(
                    contextName: "hostVersion", operator: .semverGreaterOrEqual, value: "7.\(index % 5).0"),
            ]
            if index % 3 == 0 {
                constraints.append(
                    RolloutConstraint(
                        contextName: "email", operator: .stringEndsWith, values: ["@bank.example", "@partner.example"]))
            }
            let appId = "app-\(index)"
            return ReleasePlan(
                appId: appId, hostId: "mbank", stableVersion: SemanticVersion(1, 0, 0),
                gray: .percentage(
                    5 + index % 90, of: SemanticVersion(1, 1, 0), groupId: appId, constraints: constraints))
        }
    }

    static func userContexts(_ count: Int) -> [GrayContext] {
        let regions = [
            "shanghai", "beijing", "shenzhen", "guangzhou", "hangzhou", "chengdu", "wuhan", "xian", "harbin",
        ]
        let domains = ["@bank.example", "@partner.example", "@mail.example"]
        return (0..<count).map { index in
            GrayContext(
                userId: "user-\(index)", sessionId: "s-\(index)", appName: "mbank",
                properties: [
                    "region": regions[index % regions.count], "hostVersion": "7.\(index % 7).\(index % 3)",
                    "email": "user\(index)\(domains[index % domains.count])",
                ])
        }
    }

    static func grayEvaluations(users count: Int) throws {
        let plans = catalogPlans()
        let resolver = CatalogResolver(plans: plans)
        let engine = resolver.engine
        let contexts = userContexts(count)
        let names = plans.map(\.appId)
        print(
            "\ngray evaluation: \(names.count) flexibleRollout plans (2–3 constraints each) × \(count) distinct users")

        var enabledCount = 0
        let evaluations = names.count * contexts.count
        let rate = Measure.measure(rounds: 3) {
            var enabled = 0
            for context in contexts {
                for name in names where engine.isEnabled(name, context: context) { enabled += 1 }
            }
            enabledCount = enabled
            return evaluations
        }
        Measure.report("isEnabled", rate, unit: "evaluations/s", goal: 1_000_000)
        print(
            "  (\(enabledCount) of \(evaluations) evaluations enabled: \(String(format: "%.1f", Double(enabledCount) * 100 / Double(evaluations)))%)"
        )

        let resolveRate = Measure.measure(rounds: 3) {
            var gray = 0
            for context in contexts {
                for name in names where resolver.resolve(name, context: context)?.isGray == true { gray += 1 }
            }
            precondition(gray == enabledCount)
            return evaluations
        }
        Measure.report("CatalogResolver.resolve (version per user)", resolveRate, unit: "resolutions/s", goal: nil)

        let explainContexts = Array(contexts.prefix(2_000))
        let explainRate = Measure.measure(rounds: 3) {
            var decided = 0
            for context in explainContexts {
                for name in names where engine.explain(name, context: context).enabled { decided += 1 }
            }
            return explainContexts.count * names.count
        }
        Measure.report("explain (with explanation)", explainRate, unit: "explanations/s", goal: nil)
    }

    // MARK: Envelopes

    static func envelopes() throws {
        let key = SigningKey.generate()
        let now = Date()
        let entries = (0..<100).map { index in
            CatalogEntry(
                appId: "app-\(index)", name: "Mini-program \(index)", category: "finance",
                version: SemanticVersion(1, 1, 0),
                package: PackageReference(sha256: String(repeating: "ab", count: 32), size: 250_000),
                grantedScopes: ["storage", "userInfo"], grantedDomains: ["api.partner.example"], gray: index % 2 == 0)
        }
        let snapshot = CatalogSnapshot(
            hostId: "mbank", userId: "user-1", catalogVersion: 42, eventSequence: 420, issuedAt: now,
            expiresAt: now.addingTimeInterval(3600), entries: entries, tombstones: [])
        let payload = try WireFormat.encoder().encode(snapshot)
        let event = CatalogEvent(
            hostId: "mbank", sequence: 421, catalogVersion: 43, issuedAt: now, expiresAt: now.addingTimeInterval(3600),
            kind: .delisted, appId: "app-7", reason: "partner licence withdrawn")
        let eventPayload = try WireFormat.encoder().encode(event)
        print(
            "\nsigned envelopes: Ed25519, a \(payload.count)-byte snapshot (100 entries) and a \(eventPayload.count)-byte delisting event"
        )

        let iterations = 5_000
        let signRate = Measure.measure(rounds: 3) {
            for _ in 0..<iterations {
                _ = SignedEnvelope.sign(payload: payload, payloadType: CatalogSnapshot.payloadType, with: [key])
            }
            return iterations
        }
        Measure.report("sign snapshot", signRate, unit: "envelopes/s", goal: nil)

        let envelope = SignedEnvelope.sign(payload: payload, payloadType: CatalogSnapshot.payloadType, with: [key])
        let verifier = EnvelopeVerifier(
            policy: VerificationPolicy(trustedKeys: [key.verificationKey], hostId: "mbank", userId: "user-1"))
        let verifyRate = Measure.measure(rounds: 3) {
            for _ in 0..<iterations { _ = try? verifier.verify(envelope, as: CatalogSnapshot.self) }
            return iterations
        }
        Measure.report("verify + decode snapshot", verifyRate, unit: "envelopes/s", goal: nil)

        let eventEnvelope = SignedEnvelope.sign(
            payload: eventPayload, payloadType: CatalogEvent.payloadType, with: [key])
        let eventRate = Measure.measure(rounds: 3) {
            for _ in 0..<iterations { _ = try? verifier.verify(eventEnvelope, as: CatalogEvent.self) }
            return iterations
        }
        Measure.report("verify + decode delisting event", eventRate, unit: "envelopes/s", goal: nil)
    }
}
