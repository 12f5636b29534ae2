import Catalog
import CatalogTestSupport
import Foundation
import MiniKit
import MiniSupport
import Testing

/// Hostile features documents, patterns and envelopes: refused or bounded, never a crash or a hang.
struct HostileGrayInputTests {
    @Test(
        "nested counted repetitions of nothing compile at once",
        arguments: ["((((){1000}){1000}){1000}){1000}", "(?:(?:a{0}){1000}){1000}", "(((?i)){1000}){1000}"])
    func zeroWidthRepetitions(_ pattern: String) throws {
        let regex = try BoundedRegex(pattern)
        #expect(regex.matches("anything"))
    }

    @Test("repetitions whose size multiplies past the limit are refused before compiling")
    func multipliedSize() {
        #expect(throws: RegexSyntaxError.self) { try BoundedRegex("((a{1000}){1000}){1000}") }
        #expect(throws: RegexSyntaxError.self) {
            try BoundedRegex("(?:[\(String(repeating: "a-b", count: 300))]{999}){20}")
        }
    }

    @Test("text longer than 4 KiB never matches a pattern")
    func longSubject() throws {
        #expect(try !BoundedRegex("a").matches(String(repeating: "a", count: 5_000)))
        #expect(try BoundedRegex("a").matches(String(repeating: "a", count: 4_000)))
    }

    @Test("deeply nested JSON is refused quickly with a location")
    func deepJSON() {
        let deep = "{\"features\": " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "}"
        #expect {
            try FeatureState.parse(Data(deep.utf8))
        } throws: { error in
            "\(error)".contains("nesting deeper than 64 levels at line 1")
        }
        let many =
            "{\"userId\": \"u\", \"x\": ["
            + Array(repeating: String(repeating: "[", count: 60) + String(repeating: "]", count: 60), count: 400)
            .joined(separator: ",") + "]}"
        // 400 nests of 60 levels parse in one pass; the context then refuses the list where a value belongs.
        #expect(throws: Never.self) { try JSONValue.parse(Data(many.utf8)) }
        #expect { try GrayContext(json: JSONCursor(try JSONValue.parse(Data(many.utf8)))) } throws: {
            "\($0)".contains("$.x: expected a string or a number")
        }
    }

    @Test(
        "JSON syntax errors say what and where",
        arguments: [
            ("{\"a\": tru}", "unexpected word at line 1, column 7"),
            ("{\"a\": 01}", "a number cannot start with 0"),
            ("[1,]", "unexpected character ']'"),
            ("{\"a\": \"\u{01}\"}", "a control character inside a string"),
            ("{\"a\": 1} x", "unexpected text after the JSON value"),
            ("{\"a\": \"\\ud800\"}", "a lone UTF-16 surrogate"),
        ])
    func syntaxErrors(_ text: String, _ message: String) {
        #expect {
            try JSONValue.parse(Data(text.utf8))
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("JSON escapes and numbers decode exactly")
    func decoding() throws {
        let value = try JSONValue.parse(
            Data(#"{"s": "a\"\\\/\n\u4e2d\ud83d\ude00", "n": -1.5e3, "t": [true, false, null]}"#.utf8))
        #expect(
            value
                == .object([
                    "s": .string("a\"\\/\n中😀"), "n": .number(-1500), "t": .array([.bool(true), .bool(false), .null]),
                ]))
    }

    @Test("huge variant weights are refused when read, so evaluation never overflows")
    func weights() {
        let document =
            #"{"features":[{"name":"t","enabled":true,"strategies":[{"name":"default","variants":[{"name":"a","weight":4294967296}]}]}]}"#
        #expect {
            try FeatureState.parse(Data(document.utf8))
        } throws: { "\($0)".contains("cannot exceed 1000000") }
        // Built in code, weights are clamped instead.
        let state = FeatureState(features: [
            FeatureToggle(
                name: "t", variants: [FeatureVariant(name: "a", weight: .max), FeatureVariant(name: "b", weight: .max)])
        ])
        #expect(GrayEngine(state: state).variant("t", context: GrayContext(userId: "u")).enabled)
    }

    @Test("a huge rollout value explains without trapping")
    func hugeRollout() throws {
        let document =
            #"{"features":[{"name":"t","enabled":true,"strategies":[{"name":"flexibleRollout","parameters":{"rollout":"1e300","stickiness":"userId"}}]}]}"#
        let engine = GrayEngine(state: try FeatureState.parse(Data(document.utf8)))
        #expect(engine.explain("t", context: GrayContext(userId: "u")).enabled)
    }

    @Test("explanations agree with their result even for random rollouts")
    func randomConsistency() throws {
        let document =
            #"{"features":[{"name":"t","enabled":true,"strategies":[{"name":"gradualRolloutRandom","parameters":{"percentage":"50"}}]}]}"#
        let engine = GrayEngine(state: try FeatureState.parse(Data(document.utf8)))
        for _ in 0..<200 {
            let decision = engine.explain("t", context: GrayContext())
            #expect(decision.enabled == (decision.explanation.decision == .strategyMatched(0)))
        }
    }

    @Test("STR_CONTAINS with an empty value matches, as in Unleash")
    func emptyContains() {
        let state = FeatureState(features: [
            FeatureToggle(
                name: "t",
                strategies: [
                    RolloutStrategy(
                        name: "default",
                        constraints: [RolloutConstraint(contextName: "userId", operator: .stringContains, values: [""])]
                    )
                ])
        ])
        #expect(GrayEngine(state: state).isEnabled("t", context: GrayContext(userId: "u1")))
        #expect(!GrayEngine(state: state).isEnabled("t", context: GrayContext()))
    }

    @Test("the same version issued earlier than the accepted copy is a replay")
    func sameVersionReplay() throws {
        let clock = ManualClock()
        let key = SigningKey.generate()
        func snapshot(issued: TimeInterval) -> CatalogSnapshot {
            CatalogSnapshot(
                hostId: "h", userId: "u", catalogVersion: 7, eventSequence: 1,
                issuedAt: clock.now().addingTimeInterval(issued), expiresAt: clock.now().addingTimeInterval(3600),
                entries: [], tombstones: [])
        }
        let policy = VerificationPolicy(
            trustedKeys: [key.verificationKey], hostId: "h", userId: "u", lastAcceptedVersion: 7,
            lastAcceptedIssuedAt: clock.now())
        let verifier = EnvelopeVerifier(policy: policy, clock: clock)
        #expect {
            try verifier.verify(try SignedEnvelope.sign(snapshot(issued: -60), with: [key]), as: CatalogSnapshot.self)
        } throws: { error in
            (error as? EnvelopeVerificationError)?.code == "rollback" && "\(error)".contains("a replay")
        }
        #expect(throws: Never.self) {
            try verifier.verify(try SignedEnvelope.sign(snapshot(issued: 0), with: [key]), as: CatalogSnapshot.self)
        }
    }
}
