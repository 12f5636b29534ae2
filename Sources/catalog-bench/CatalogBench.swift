import Catalog
import Foundation
import MiniKit

/// `catalog-bench`: prints the Catalog core's numbers (gray evaluations, envelope sign and verify).
///
/// Run through `make bench` (release build). Each benchmark repeats its measurement and reports the best
/// and median of the rounds, so one noisy round on a shared machine does not decide the number.
@main
struct CatalogBench {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        let users = arguments.first.flatMap(Int.init) ?? 100_000
        print("catalog-bench — \(ProcessInfo.processInfo.activeProcessorCount) cores, single-threaded measurements")
        try grayEvaluations(users: users)
        try envelopes()
        print(String(format: "peak resident memory: %.1f MiB", Double(peakResidentBytes()) / 1_048_576))
    }

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
        let rate = measure(rounds: 3) {
            var enabled = 0
            for context in contexts {
                for name in names where engine.isEnabled(name, context: context) { enabled += 1 }
            }
            enabledCount = enabled
            return evaluations
        }
        report("isEnabled", rate, unit: "evaluations/s", goal: 1_000_000)
        print(
            "  (\(enabledCount) of \(evaluations) evaluations enabled: \(String(format: "%.1f", Double(enabledCount) * 100 / Double(evaluations)))%)"
        )

        let resolveRate = measure(rounds: 3) {
            var gray = 0
            for context in contexts {
                for name in names where resolver.resolve(name, context: context)?.isGray == true { gray += 1 }
            }
            precondition(gray == enabledCount)
            return evaluations
        }
        report("CatalogResolver.resolve (version per user)", resolveRate, unit: "resolutions/s", goal: nil)

        let explainContexts = Array(contexts.prefix(2_000))
        let explainRate = measure(rounds: 3) {
            var decided = 0
            for context in explainContexts {
                for name in names where engine.explain(name, context: context).enabled { decided += 1 }
            }
            return explainContexts.count * names.count
        }
        report("explain (with explanation)", explainRate, unit: "explanations/s", goal: nil)
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
        let signRate = measure(rounds: 3) {
            for _ in 0..<iterations {
                _ = SignedEnvelope.sign(payload: payload, payloadType: CatalogSnapshot.payloadType, with: [key])
            }
            return iterations
        }
        report("sign snapshot", signRate, unit: "envelopes/s", goal: nil)

        let envelope = SignedEnvelope.sign(payload: payload, payloadType: CatalogSnapshot.payloadType, with: [key])
        let verifier = EnvelopeVerifier(
            policy: VerificationPolicy(trustedKeys: [key.verificationKey], hostId: "mbank", userId: "user-1"))
        let verifyRate = measure(rounds: 3) {
            for _ in 0..<iterations { _ = try? verifier.verify(envelope, as: CatalogSnapshot.self) }
            return iterations
        }
        report("verify + decode snapshot", verifyRate, unit: "envelopes/s", goal: nil)

        let eventEnvelope = SignedEnvelope.sign(
            payload: eventPayload, payloadType: CatalogEvent.payloadType, with: [key])
        let eventRate = measure(rounds: 3) {
            for _ in 0..<iterations { _ = try? verifier.verify(eventEnvelope, as: CatalogEvent.self) }
            return iterations
        }
        report("verify + decode delisting event", eventRate, unit: "envelopes/s", goal: nil)
    }

    // MARK: Measurement

    struct Rate {
        var best: Double
        var median: Double
    }

    /// Runs `body` `rounds` times; each returns how many operations it did. Reports operations per second.
    static func measure(rounds: Int, _ body: () -> Int) -> Rate {
        let clock = ContinuousClock()
        var rates: [Double] = []
        for _ in 0..<rounds {
            var operations = 0
            let elapsed = clock.measure { operations = body() }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            rates.append(Double(operations) / seconds)
        }
        rates.sort()
        return Rate(best: rates.last!, median: rates[rates.count / 2])
    }

    static func report(_ name: String, _ rate: Rate, unit: String, goal: Double?) {
        var line = "  \(name): \(format(rate.median)) \(unit) median, \(format(rate.best)) best"
        line += String(format: " (%.3f µs each)", 1e6 / rate.median)
        if let goal {
            line += rate.median >= goal ? " — goal ≥ \(format(goal)): met" : " — goal ≥ \(format(goal)): NOT met"
        }
        print(line)
    }

    static func format(_ value: Double) -> String {
        if value >= 1_000_000 { return String(format: "%.2fM", value / 1_000_000) }
        if value >= 1_000 { return String(format: "%.1fk", value / 1_000) }
        return String(format: "%.0f", value)
    }

    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
