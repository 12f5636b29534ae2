import ArgumentParser
import Catalog
import CatalogAPI
import Foundation
import MiniSupport

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The audit log, newest first: who did what to what, when and why (ops; hostops: its hosts' entries).",
        discussion: """
            ORG is the organisation whose host app the entry is about. A hostops account reads only the entries \
            about its own hosts.
            """)
    @Option(help: "How many entries, 1 to 1000.") var limit = 50
    @OptionGroup var platform: PlatformOptions

    func run() async throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit is 1 to 1000") }
        let reply = try await platform.client().call(CatalogAPI.audit, query: [("limit", String(limit))])
        emit(reply, json: platform.json) {
            var table = TextTable("WHEN", "WHO", "ACTION", "TARGET", "ORG", "REASON")
            for entry in (try? JSONCursor(reply).require("entries").array()) ?? [] {
                table.add(
                    entry.text("at"), entry.text("actor"), entry.text("action"), entry.text("target"),
                    entry.text("organisation"), entry.text("reason"))
            }
            return table.rendered
        }
    }
}

struct Segment: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Segments: named audiences that gray releases refer to (vip, staff, regions).",
        subcommands: [List.self, Create.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List segments and their constraints.")
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(CatalogAPI.segments)
            emit(reply, json: platform.json) {
                var table = TextTable("NAME", "CONSTRAINTS")
                for segment in (try? JSONCursor(reply).require("segments").array()) ?? [] {
                    let constraints = ((try? segment.require("constraints").array()) ?? []).map { constraint in
                        "\(constraint.text("contextName")) \(constraint.text("operator")) \(constraint.text("values"))"
                    }
                    table.add(segment.text("name"), constraints.joined(separator: " and "))
                }
                return table.rendered
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a segment (ops). Segments never change: a new audience is a new segment.",
            discussion: """
                Example:
                  minictl segment create vip --constraint '{"contextName":"tier","operator":"IN","values":["vip"]}'
                """)
        @Argument(help: "The segment's name: lowercase letters, digits, '.' and '-'.") var name: String
        @Option(
            name: .customLong("constraint"),
            help: ArgumentHelp("An Unleash constraint as JSON (repeatable; all must hold).", valueName: "JSON"))
        var constraints: [String]
        @OptionGroup var platform: PlatformOptions

        func run() async throws {
            let body = SegmentCreate(name: name, constraints: try rolloutConstraints(constraints))
            let reply = try await platform.client().call(CatalogAPI.createSegment, json: body.jsonValue)
            emit(reply, json: platform.json) { "created segment \(name)" }
        }
    }
}
