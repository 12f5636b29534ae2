import Catalog
import Foundation
import MiniSupport
import Testing

/// `minictl gray eval`, end to end through the built binary.
struct GrayEvalCommandTests {
    static let features = """
        {"version": 1, "features": [
          {"name": "car-insurance", "enabled": true,
           "strategies": [{"name": "flexibleRollout",
             "parameters": {"rollout": "100", "stickiness": "userId", "groupId": "car-insurance"},
             "constraints": [{"contextName": "region", "operator": "IN", "values": ["shanghai"]}]}],
           "variants": [{"name": "2.1.0", "weight": 1, "payload": {"type": "string", "value": "new quote form"}}]}
        ]}
        """

    @Test("one context: the enabled flag")
    func singleContext() async throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("features.json", Self.features)
        let on = try await CommandRunner.run(
            "minictl",
            [
                "gray", "eval", "--features", file, "--toggle", "car-insurance", "--context",
                #"{"userId": "u1", "properties": {"region": "shanghai"}}"#,
            ])
        #expect(on.status == 0)
        #expect(on.stdout == "{\"enabled\":true}\n")
        let off = try await CommandRunner.run(
            "minictl",
            [
                "gray", "eval", "--features", file, "--toggle", "car-insurance", "--context",
                #"{"userId": "u1", "properties": {"region": "beijing"}}"#,
            ])
        #expect(off.stdout == "{\"enabled\":false}\n")
    }

    @Test("a contexts file: one line out per context, variants and explanations")
    func contextsFile() async throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("features.json", Self.features)
        let contexts = try folder.write(
            "users.jsonl",
            """
            {"userId": "u1", "properties": {"region": "shanghai"}}

            {"userId": "u2", "properties": {"region": "beijing"}}
            """)
        let result = try await CommandRunner.run(
            "minictl",
            [
                "gray", "eval", "--features", file, "--toggle", "car-insurance", "--contexts", contexts, "--variant",
                "--explain",
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let first = JSONCursor(try JSONValue.parse(Data(lines[0].utf8)))
        #expect(try first.require("name").string() == "2.1.0")
        #expect(try first.require("payload").require("value").string() == "new quote form")
        #expect(try first.require("feature_enabled").bool())
        #expect(try first.require("explanation").require("decision").string() == "strategy")
        let second = JSONCursor(try JSONValue.parse(Data(lines[1].utf8)))
        #expect(try second.require("name").string() == "disabled")
        #expect(
            try second.require("explanation").require("text").string().contains(
                "✗ region IN [shanghai] — context value \"beijing\""))
    }

    @Test("--format text prints a line per context and the explanation for people")
    func textFormat() async throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("features.json", Self.features)
        let result = try await CommandRunner.run(
            "minictl",
            [
                "gray", "eval", "--features", file, "--toggle", "car-insurance", "--context",
                #"{"userId": "u2", "properties": {"region": "beijing"}}"#, "--variant", "--explain", "--format", "text",
            ])
        #expect(result.status == 0)
        #expect(
            result.stdout == """
                userId=u2 region=beijing → disabled, no variant
                    'car-insurance' is off: no strategy matched
                      strategy #1 flexibleRollout: no match — a constraint does not hold
                        ✗ region IN [shanghai] — context value "beijing"

                """)
        let bad = try await CommandRunner.run(
            "minictl",
            ["gray", "eval", "--features", file, "--toggle", "car-insurance", "--context", "{}", "--format", "yaml"])
        #expect(bad.status == 2)
    }

    @Test("a toggle the document lacks is disabled for everyone, as the specification says, with a warning")
    func unknownToggle() async throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("features.json", Self.features)
        let plain = try await CommandRunner.run(
            "minictl", ["gray", "eval", "--features", file, "--toggle", "nope", "--context", #"{"userId": "u1"}"#])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout == "{\"enabled\":false}\n")
        #expect(plain.stderr.contains("warning: no toggle 'nope' in \(file), so it is disabled for everyone; it has: "))
        let variant = try await CommandRunner.run(
            "minictl",
            ["gray", "eval", "--features", file, "--toggle", "nope", "--context", "{}", "--variant"])
        let answer = JSONCursor(try JSONValue.parse(Data(variant.stdout.utf8)))
        #expect(try answer.require("name").string() == "disabled")
        #expect(try answer.require("feature_enabled").bool() == false)
    }

    @Test("the delta API's event form is accepted")
    func eventsForm() async throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write(
            "events.json",
            #"{"events": [{"eventId": 1, "type": "feature-updated", "feature": {"name": "a", "enabled": true, "strategies": []}}]}"#
        )
        let result = try await CommandRunner.run(
            "minictl", ["gray", "eval", "--features", file, "--toggle", "a", "--context", "{}"])
        #expect(result.status == 0)
        #expect(result.stdout == "{\"enabled\":true}\n")
    }

    @Test(
        "failures exit 1, print nothing on stdout, and name the problem",
        arguments: [
            (["--toggle", "car-insurance", "--context", "{\"userId\": "], "--context: $.userId: not valid JSON"),
            (["--toggle", "car-insurance", "--context", "[1]"], "--context: $: expected an object, found an array"),
            (
                ["--toggle", "car-insurance", "--context", #"{"properties": {"region": ["a"]}}"#],
                "--context: $.properties.region: expected a string or a number, found an array"
            ),
            (
                ["--toggle", "car-insurance", "--context", #"{"currentTime": "yesterday"}"#],
                "$.currentTime: 'yesterday' is not an RFC 3339 date-time"
            ),
            (
                ["--toggle", "car-insurance", "--contexts", "CONTEXTS"],
                "users.jsonl:2: $.userId: expected a string or a number, found an object"
            ),
            (["--toggle", "car-insurance", "--contexts", "EMPTY"], "no contexts (the file is empty)"),
            (
                ["--toggle", "car-insurance", "--contexts", "/no/such/file.jsonl"],
                "cannot read contexts file '/no/such/file.jsonl': no such file"
            ),
        ])
    func failures(_ arguments: [String], _ expected: String) async throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("features.json", Self.features)
        let contexts = try folder.write("users.jsonl", "{\"userId\": \"u1\"}\n{\"userId\": {}}\n")
        let empty = try folder.write("empty.jsonl", "\n\n")
        let resolved = arguments.map { $0 == "CONTEXTS" ? contexts : $0 == "EMPTY" ? empty : $0 }
        let result = try await CommandRunner.run("minictl", ["gray", "eval", "--features", file] + resolved)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty, "nothing is printed before every input is checked")
        #expect(result.stderr.contains(expected), "stderr was: \(result.stderr)")
    }

    @Test(
        "bad features files exit 1 with the file and JSON path",
        arguments: [
            (
                "{\"features\": [{\"name\": \"a\", \"strategies\": [{\"parameters\": {}}]}]}",
                "$.features[0].strategies[0]: missing required field 'name'"
            ),
            ("not json", "$: not valid JSON"),
            ("{\"features\": {}}", "$.features: expected an array, found an object"),
            (
                "{\"features\": [{\"name\": \"a\", \"strategies\": [{\"name\": \"default\", \"segments\": [\"x\"]}]}]}",
                "$.features[0].strategies[0].segments[0]: expected an integer"
            ),
        ])
    func badFeaturesFile(_ text: String, _ expected: String) async throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("features.json", text)
        let result = try await CommandRunner.run(
            "minictl", ["gray", "eval", "--features", file, "--toggle", "a", "--context", "{}"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("features.json: \(expected)"), "stderr was: \(result.stderr)")
    }

    @Test("a missing features file and a folder exit 1")
    func unreadableFeatures() async throws {
        let folder = try TemporaryDirectory()
        let missing = try await CommandRunner.run(
            "minictl", ["gray", "eval", "--features", "/no/such.json", "--toggle", "a", "--context", "{}"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read features file '/no/such.json': no such file"))
        let directory = try await CommandRunner.run(
            "minictl", ["gray", "eval", "--features", folder.url.path, "--toggle", "a", "--context", "{}"])
        #expect(directory.status == 1)
        #expect(directory.stderr.contains("it is a directory"))
    }

    @Test(
        "usage errors exit 2",
        arguments: [
            ["gray", "eval", "--toggle", "a", "--context", "{}"],
            ["gray", "eval", "--features", "f.json", "--context", "{}"],
            ["gray", "eval", "--features", "f.json", "--toggle", "a"],
            ["gray", "eval", "--features", "f.json", "--toggle", "a", "--context", "{}", "--contexts", "c.jsonl"],
            ["gray", "eval", "--features", "f.json", "--toggle", "a", "--context", "{}", "--colour"],
            ["gray", "evaluate"],
        ])
    func usageErrors(_ arguments: [String]) async throws {
        let result = try await CommandRunner.run("minictl", arguments)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("Usage:") || result.stderr.contains("Error:"))
    }

    @Test("help exits 0 and documents the exit codes")
    func help() async throws {
        let result = try await CommandRunner.run("minictl", ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("2 usage error"))
    }
}

/// Bounds on what `gray eval` reads.
struct GrayEvalLimitTests {
    @Test("an over-long context line and a non-UTF-8 contexts file exit 1 and name the problem")
    func contextLimits() async throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("features.json", GrayEvalCommandTests.features)
        let long = try folder.write(
            "long.jsonl", "{\"userId\": \"u1\"}\n{\"userId\": \"\(String(repeating: "x", count: 70_000))\"}\n")
        let longResult = try await CommandRunner.run(
            "minictl", ["gray", "eval", "--features", file, "--toggle", "car-insurance", "--contexts", long])
        #expect(longResult.status == 1)
        #expect(longResult.stderr.contains("long.jsonl:2: a context line is longer than 64 KiB"))
        let binary = folder.url.appendingPathComponent("binary.jsonl")
        try Data([0xFF, 0xFE, 0x00, 0x7B]).write(to: binary)
        let binaryResult = try await CommandRunner.run(
            "minictl", ["gray", "eval", "--features", file, "--toggle", "car-insurance", "--contexts", binary.path])
        #expect(binaryResult.status == 1)
        #expect(binaryResult.stderr.contains("binary.jsonl: not UTF-8 text"))
    }
}

/// Input files written elsewhere.
struct GrayEvalInputTests {
    @Test("a contexts file with CRLF line ends reads as one context a line")
    func crlf() async throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("features.json", GrayEvalCommandTests.features)
        let contexts = try folder.write("users.jsonl", "{\"userId\": \"u1\"}\r\n{\"userId\": \"u2\"}\r\n")
        let result = try await CommandRunner.run(
            "minictl", ["gray", "eval", "--features", file, "--toggle", "car-insurance", "--contexts", contexts])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 2)
    }
}
