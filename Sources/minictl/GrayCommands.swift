import ArgumentParser
import Catalog
import CatalogAPI
import Foundation
import MiniSupport

struct Gray: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate and explain gray-release rules (Unleash semantics).",
        subcommands: [Eval.self, Explain.self]
    )
}

extension Gray {
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a toggle of an Unleash features document for one or more contexts.",
            discussion: """
                FILE is a full state ({"features": […], "segments": […]}) or the delta API's event form
                ({"events": […]}). A context is an Unleash context object, for example
                {"userId": "u42", "remoteAddress": "10.1.2.3", "properties": {"region": "shanghai"}}.

                Prints one JSON object per context on stdout (or, with --format text, one line for people), in input order: {"enabled": true}, or with
                --variant the variant ({"name", "payload", "enabled", "feature_enabled"}); --explain adds
                "explanation" (the strategy, constraint or segment that decided, with a "text" for people).

                Every input is checked before anything is printed. Errors name the file, the line of a
                contexts file, and the JSON path of the problem; they exit 1. Usage errors exit 2.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The features document.", valueName: "FILE"))
        var features: String

        @Option(name: .long, help: ArgumentHelp("The toggle to evaluate.", valueName: "NAME"))
        var toggle: String

        @Option(name: .long, help: ArgumentHelp("One context, as a JSON object.", valueName: "JSON"))
        var context: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "A file of contexts, one JSON object per line (blank lines skipped).", valueName: "FILE.jsonl"))
        var contexts: String?

        @Flag(help: "Print the variant instead of the enabled flag.")
        var variant = false

        @Flag(help: "Add the explanation of each result.")
        var explain = false

        @Option(
            help: ArgumentHelp(
                "Output format: json (one object per line, for scripts) or text (for people).", valueName: "FORMAT"))
        var format: OutputFormat = .json

        enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
            case json, text
        }

        func validate() throws {
            switch (context, contexts) {
            case (nil, nil): throw ValidationError("give one context: --context JSON or --contexts FILE.jsonl")
            case (.some, .some): throw ValidationError("--context and --contexts cannot be used together")
            default: break
            }
        }

        func run() throws {
            let document = try readFile(features, what: "features file")
            let state: FeatureState
            do {
                state = try FeatureState.parse(document)
            } catch {
                throw CommandFailure("\(features): \(error)")
            }
            let inputs = try loadContexts()
            // The specification's answer for a toggle the document lacks is "disabled"; a typo should still show.
            if state[toggle] == nil {
                let known = state.features.prefix(10).map(\.name).joined(separator: ", ")
                let more = state.features.count > 10 ? ", … (\(state.features.count) in all)" : ""
                FileHandle.standardError.write(
                    Data(
                        "minictl: warning: no toggle '\(toggle)' in \(features), so it is disabled for everyone; it has: \(known.isEmpty ? "no toggles" : known + more)\n"
                            .utf8))
            }
            let engine = GrayEngine(state: state)
            var output = ""
            for input in inputs {
                if format == .text {
                    output += textLine(engine, input)
                    continue
                }
                // One evaluation gives the result and its explanation, so they agree even with randomness.
                let decision = engine.explain(toggle, context: input)
                var line: [String: JSONValue]
                if variant {
                    guard case .object(let members) = decision.variant.jsonValue else { continue }
                    line = members
                } else {
                    line = ["enabled": .bool(decision.enabled)]
                }
                if explain { line["explanation"] = decision.explanation.jsonValue }
                output += JSONValue.object(line).serialized() + "\n"
            }
            FileHandle.standardOutput.write(Data(output.utf8))
        }

        /// `userId=u1 region=shanghai → enabled, variant 2.1.0`, then the explanation indented, with --explain.
        private func textLine(_ engine: GrayEngine, _ input: GrayContext) -> String {
            var who: [String] = []
            if let userId = input.userId { who.append("userId=\(userId)") }
            if let sessionId = input.sessionId { who.append("sessionId=\(sessionId)") }
            if let address = input.remoteAddress { who.append("remoteAddress=\(address)") }
            who += input.properties.keys.sorted().map { "\($0)=\(input.properties[$0]!)" }
            let decision = engine.explain(toggle, context: input)
            var result = decision.enabled ? "enabled" : "disabled"
            if variant {
                result += decision.variant.enabled ? ", variant \(decision.variant.name)" : ", no variant"
            }
            var text = "\(who.isEmpty ? "(empty context)" : who.joined(separator: " ")) → \(result)\n"
            if explain {
                text += decision.explanation.text
                    .split(separator: "\n").map { "    \($0)\n" }.joined()
            }
            return text
        }

        private func loadContexts() throws -> [GrayContext] {
            if let context {
                do {
                    return [try GrayContext(json: JSONCursor(try JSONValue.parse(Data(context.utf8))))]
                } catch {
                    throw CommandFailure("--context: \(error)")
                }
            }
            let path = contexts ?? ""
            let data = try readFile(path, what: "contexts file")
            guard let text = String(data: data, encoding: .utf8) else {
                throw CommandFailure("\(path): not UTF-8 text")
            }
            var result: [GrayContext] = []
            // Split on LF bytes: Swift reads "\r\n" as one character, so CRLF files must not be split on "\n".
            let lines = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { Substring($0) }
            for (number, line) in lines.enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.isEmpty { continue }
                guard trimmed.utf8.count <= 64 * 1024 else {
                    throw CommandFailure("\(path):\(number + 1): a context line is longer than 64 KiB")
                }
                do {
                    result.append(try GrayContext(json: JSONCursor(try JSONValue.parse(Data(trimmed.utf8)))))
                } catch {
                    throw CommandFailure("\(path):\(number + 1): \(error)")
                }
            }
            guard !result.isEmpty else { throw CommandFailure("\(path): no contexts (the file is empty)") }
            return result
        }
    }
}

/// Reads a whole file with a size limit, turning I/O errors into messages that name the file.
func readFile(_ path: String, what: String, limit: Int = JSONValue.maximumDocumentSize) throws -> Data {
    let url = URL(fileURLWithPath: path)
    let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
    guard let attributes else { throw CommandFailure("cannot read \(what) '\(path)': no such file") }
    if attributes[.type] as? FileAttributeType == .typeDirectory {
        throw CommandFailure("cannot read \(what) '\(path)': it is a directory")
    }
    if let size = attributes[.size] as? Int, size > limit {
        throw CommandFailure("\(what) '\(path)' is \(size) bytes, more than the limit of \(limit)")
    }
    // Read at most limit + 1 bytes: the size above can lie (a FIFO, /dev/zero).
    guard let handle = FileHandle(forReadingAtPath: url.path) else {
        throw CommandFailure("cannot read \(what) '\(path)': permission denied")
    }
    defer { try? handle.close() }
    let data: Data
    do {
        data = try handle.read(upToCount: limit + 1) ?? Data()
    } catch {
        throw CommandFailure("cannot read \(what) '\(path)': \(error.localizedDescription)")
    }
    guard data.count <= limit else {
        throw CommandFailure("\(what) '\(path)' is more than the limit of \(limit) bytes")
    }
    return data
}

extension Gray {
    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask the platform which version a user gets of a mini-program on a host, and why.")

        @Argument(help: "The mini-program id.") var app: String
        @Option(help: "The user id.") var user: String
        @Option(help: "The host app.") var host: String
        @Option(
            name: .customLong("property"),
            help: ArgumentHelp("A context property NAME=VALUE (repeatable).", valueName: "NAME=VALUE"))
        var properties: [String] = []
        @OptionGroup var platform: PlatformOptions

        func validate() throws {
            for property in properties where !property.contains("=") {
                throw ValidationError("--property takes NAME=VALUE, not '\(property)'")
            }
        }

        func run() async throws {
            let query =
                [(name: "host", value: host), (name: "user", value: user)]
                + properties.map { property in
                    let parts = property.split(separator: "=", maxSplits: 1)
                    return (name: "p.\(parts[0])", value: parts.count > 1 ? String(parts[1]) : "")
                }
            let reply = try await platform.client().call(CatalogAPI.explain, ["appId": app], query: query)
            emit(reply, json: platform.json) {
                let cursor = JSONCursor(reply)
                var text = (try? cursor.require("summary").string()) ?? ""
                if let explanation = try? cursor.require("explanation").require("text").string() {
                    text += "\n" + explanation.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n")
                }
                return text
            }
        }
    }
}
