import Catalog
import Foundation
import MiniSupport
import Testing

struct GrayEngineTests {
    static let document = """
        {"features": [
          {"name": "car-insurance", "enabled": true,
           "strategies": [
             {"name": "userWithId", "parameters": {"userIds": "vip-1, vip-2"}},
             {"name": "flexibleRollout", "parameters": {"rollout": "50", "stickiness": "userId", "groupId": "car-insurance"},
              "constraints": [{"contextName": "region", "operator": "IN", "values": ["shanghai"]}],
              "segments": [7]}
           ],
           "variants": [{"name": "2.1.0", "weight": 1}, {"name": "2.0.0", "weight": 1,
                         "overrides": [{"contextName": "userId", "values": ["tester"]}]}]},
          {"name": "fund", "enabled": false, "strategies": []},
          {"name": "bills", "enabled": true, "dependencies": [{"feature": "fund"}], "strategies": []},
          {"name": "no-segment", "enabled": true, "strategies": [{"name": "default", "segments": [404]}]},
          {"name": "bad-operand", "enabled": true, "strategies": [{"name": "default",
             "constraints": [{"contextName": "hostVersion", "operator": "SEMVER_GTE", "value": "v7"}]}]}
        ],
        "segments": [{"id": 7, "name": "bank staff", "constraints": [{"contextName": "email", "operator": "STR_ENDS_WITH", "values": ["@bank.example"]}]}]}
        """

    static func engine() throws -> GrayEngine {
        GrayEngine(state: try FeatureState.parse(Data(document.utf8)))
    }

    /// A user id in the rollout bucket range, found rather than assumed.
    static func user(bucketAtMost limit: Int, _ wanted: Bool) -> String {
        (0..<10_000).lazy.map { "user-\($0)" }
            .first { (GrayBucket.normalized($0, groupId: "car-insurance") <= limit) == wanted }!
    }

    @Test("a listed user is enabled by the first strategy, and the explanation says so")
    func explainsUserList() throws {
        let decision = try Self.engine().explain("car-insurance", context: GrayContext(userId: "vip-2"))
        #expect(decision.enabled)
        #expect(decision.explanation.decision == .strategyMatched(0))
        #expect(decision.explanation.summary == "'car-insurance' is on: strategy #1 (userWithId) matched")
        #expect(decision.explanation.text.contains("userId \"vip-2\" is in the list of 2"))
    }

    @Test("a failing segment constraint is named, with the segment and the context value")
    func explainsSegment() throws {
        let context = GrayContext(
            userId: Self.user(bucketAtMost: 50, true), properties: ["region": "shanghai", "email": "a@partner.example"])
        let decision = try Self.engine().explain("car-insurance", context: context)
        #expect(!decision.enabled)
        #expect(decision.explanation.decision == .noStrategyMatched)
        let failing = try #require(decision.explanation.strategies.last?.constraints.last)
        #expect(failing.segmentId == 7)
        #expect(!failing.holds)
        #expect(failing.contextValue == "a@partner.example")
        #expect(
            decision.explanation.text.contains(
                "✗ email STR_ENDS_WITH [@bank.example] [segment 7] — context value \"a@partner.example\""))
    }

    @Test("the rollout bucket decides, and the explanation shows the bucket")
    func explainsBucket() throws {
        let engine = try Self.engine()
        for wanted in [true, false] {
            let userId = Self.user(bucketAtMost: 50, wanted)
            let context = GrayContext(userId: userId, properties: ["region": "shanghai", "email": "x@bank.example"])
            let decision = engine.explain("car-insurance", context: context)
            #expect(decision.enabled == wanted)
            let bucket = GrayBucket.normalized(userId, groupId: "car-insurance")
            #expect(
                decision.explanation.strategies[1].detail.hasPrefix(
                    "bucket \(bucket) \(wanted ? "≤" : ">") rollout 50%"))
        }
    }

    @Test("default stickiness skips an empty userId for the sessionId, as Unleash does")
    func emptyUserIdIsAbsent() throws {
        let document = """
            {"features": [{"name": "f", "enabled": true, "strategies": [
              {"name": "flexibleRollout", "parameters": {"rollout": "50", "stickiness": "default", "groupId": "g"}}]}]}
            """
        let engine = GrayEngine(state: try FeatureState.parse(Data(document.utf8)))
        // Sessions on each side of the bucket line, and an empty user id that alone would say otherwise.
        let inside = try #require(
            (0..<10_000).lazy.map { "s-\($0)" }.first { GrayBucket.normalized($0, groupId: "g") <= 50 })
        let outside = try #require(
            (0..<10_000).lazy.map { "s-\($0)" }.first { GrayBucket.normalized($0, groupId: "g") > 50 })
        for (session, enabled) in [(inside, true), (outside, false)] {
            let decision = engine.explain("f", context: GrayContext(userId: "", sessionId: session))
            #expect(decision.enabled == enabled, "session \(session)")
            #expect(decision.explanation.text.contains("sessionId = \"\(session)\""))
        }
        let neither = engine.explain("f", context: GrayContext(userId: "", sessionId: ""))
        #expect(neither.explanation.text.contains("random: no userId or sessionId"))
        // Variants too: an empty user id picks the same variant as none.
        let split = try Self.engine()
        for index in 0..<200 {
            let properties = ["region": "shanghai", "email": "x@bank.example"]
            let empty = split.variant(
                "car-insurance", context: GrayContext(userId: "", sessionId: "s-\(index)", properties: properties))
            let absent = split.variant(
                "car-insurance", context: GrayContext(sessionId: "s-\(index)", properties: properties))
            #expect(empty == absent, "session s-\(index)")
        }
    }

    @Test("variant overrides win over buckets and are explained")
    func explainsOverride() throws {
        let engine = try Self.engine()
        let decision = engine.explain(
            "car-insurance",
            context: GrayContext(userId: "tester", properties: ["region": "shanghai", "email": "t@bank.example"]))
        let bucket = GrayBucket.normalized("tester", groupId: "car-insurance")
        guard bucket <= 50 else { return }  // the override applies only once the toggle is on
        #expect(decision.variant.name == "2.0.0")
        #expect(decision.explanation.variant?.detail == "'2.0.0' by override: userId = \"tester\"")
    }

    @Test("disabled toggles, dependencies and missing segments explain themselves")
    func explainsOtherDecisions() throws {
        let engine = try Self.engine()
        #expect(engine.explain("fund", context: GrayContext()).explanation.decision == .toggleDisabled)
        let bills = engine.explain("bills", context: GrayContext()).explanation
        #expect(bills.decision == .dependencyNotSatisfied("fund"))
        #expect(bills.dependencies.first?.detail == "the parent is disabled")
        let missing = engine.explain("no-segment", context: GrayContext()).explanation
        #expect(missing.strategies.first?.detail == "segment 404 does not exist")
        let unknown = engine.explain("nope", context: GrayContext())
        #expect(unknown.explanation.decision == .unknownToggle)
        #expect(unknown.variant == .disabled(featureEnabled: false))
    }

    @Test("an unusable operand never matches and the explanation says why")
    func explainsOperandProblem() throws {
        let decision = try Self.engine().explain(
            "bad-operand", context: GrayContext(properties: ["hostVersion": "7.1.0"]))
        #expect(!decision.enabled)
        #expect(decision.explanation.strategies[0].constraints[0].problem == "the value 'v7' is not a semantic version")
        #expect(decision.explanation.jsonValue.serialized().contains("\"decision\":\"no-match\""))
    }

    @Test("DATE constraints use the injected clock when the context has no time")
    func dateUsesClock() {
        let state = FeatureState(features: [
            FeatureToggle(
                name: "launch",
                strategies: [
                    RolloutStrategy(
                        name: "default",
                        constraints: [
                            RolloutConstraint(
                                contextName: "currentTime", operator: .dateAfter, value: "2026-12-01T00:00:00Z")
                        ])
                ])
        ])
        let before = GrayEngine(state: state, clock: { Timestamp.parse("2026-11-30T23:59:59Z")! })
        let after = GrayEngine(state: state, clock: { Timestamp.parse("2026-12-01T00:00:01Z")! })
        #expect(!before.isEnabled("launch", context: GrayContext()))
        #expect(after.isEnabled("launch", context: GrayContext()))
        #expect(before.isEnabled("launch", context: GrayContext(currentTime: Timestamp.parse("2027-01-01"))))
    }

    @Test(
        "documents that are not features documents fail with a JSON path",
        arguments: [
            ("[]", "$: expected an object, found an array"),
            ("{}", "$: expected 'features' (full state) or 'events' (delta form)"),
            (#"{"features": [{"enabled": true}]}"#, "$.features[0]: missing required field 'name'"),
            (
                #"{"features": [{"name": "a", "strategies": [{"name": "default", "constraints": [{"contextName": "x", "operator": 3}]}]}]}"#,
                "$.features[0].strategies[0].constraints[0].operator: expected a string, found a number"
            ),
            (
                #"{"features": [{"name": "a"}, {"name": "a"}]}"#,
                "$.features[1]: duplicate toggle name 'a' (first defined at $.features[0])"
            ),
            (
                #"{"features": [{"name": "a", "variants": [{"name": "v", "weight": -1}]}]}"#,
                "$.features[0].variants[0].weight: a variant weight cannot be negative"
            ),
            (#"{"events": [{"type": "feature-exploded"}]}"#, "$.events[0].type: unknown event type 'feature-exploded'"),
            (#"{"features": [], "events": []}"#, "not both"),
            ("{\"features\": [", "$.features[0]: not valid JSON"),
        ])
    func documentErrors(_ text: String, _ expected: String) {
        #expect {
            try FeatureState.parse(Data(text.utf8))
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test("delta events update, remove and re-hydrate")
    func deltaEvents() throws {
        var state = FeatureState(features: [
            FeatureToggle(name: "a"), FeatureToggle(name: "b"), FeatureToggle(name: "c"),
        ])
        state.apply(FeatureDeltaEvent(change: .featureRemoved("b")))
        #expect(state.features.map(\.name) == ["a", "c"])
        #expect(state["c"] != nil)
        state.apply(FeatureDeltaEvent(change: .featureUpdated(FeatureToggle(name: "a", enabled: false))))
        #expect(state["a"]?.enabled == false)
        state.apply(FeatureDeltaEvent(change: .segmentUpdated(Segment(id: 1, constraints: []))))
        #expect(state.segments[1] != nil)
        state.apply(FeatureDeltaEvent(change: .segmentRemoved(1)))
        #expect(state.segments.isEmpty)
        state.apply(FeatureDeltaEvent(change: .hydration(features: [FeatureToggle(name: "z")], segments: [])))
        #expect(state.features.map(\.name) == ["z"])
    }

    @Test("the model round-trips through JSON")
    func roundTrip() throws {
        let state = try FeatureState.parse(Data(Self.document.utf8))
        let again = try FeatureState.parse(Data(state.jsonValue.serialized().utf8))
        #expect(again == state)
        let encoded = try JSONEncoder().encode(state.features[0])
        #expect(try JSONDecoder().decode(FeatureToggle.self, from: encoded) == state.features[0])
    }
}
