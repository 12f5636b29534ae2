import ArgumentParser
import Catalog
import CatalogAPI
import Foundation
import MiniSupport

struct Reports: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Customers' complaints about mini-programs, newest first (ops; hostops: its hosts' complaints).",
        discussion: """
            Shells send a complaint as their enrolled device when the customer files it from a mini-program's \
            ··· menu (queued while offline). Each row says when, on which host and device, about which version, \
            the reason the customer chose and what they wrote. 'minictl status APP' counts them per host.
            """)
    @Option(help: "Only complaints about this mini-program.") var app: String?
    @Option(help: "How many, 1 to 1000.") var limit = 50
    @OptionGroup var platform: PlatformOptions

    func run() async throws {
        guard (1...1000).contains(limit) else { throw ValidationError("--limit is 1 to 1000") }
        let reply = try await platform.client().call(
            CatalogAPI.complaints, query: [("limit", String(limit))] + (app.map { [("app", $0)] } ?? []))
        emit(reply, json: platform.json) {
            let complaints = (try? JSONCursor(reply).require("complaints").array()) ?? []
            guard !complaints.isEmpty else { return app.map { "no complaints about \($0)" } ?? "no complaints" }
            var table = TextTable("WHEN", "APP", "VERSION", "HOST", "DEVICE", "REASON", "TEXT")
            for complaint in complaints {
                table.add(
                    complaint.text("at"), complaint.text("appId"), complaint.text("version"), complaint.text("hostId"),
                    complaint.text("deviceId"), complaint.text("reason"), complaint.text("text"))
            }
            return table.rendered
        }
    }
}

extension App {
    struct Activity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "What a mini-program did on devices, per host: its sensitive and refused calls (ops; hostops: its hosts).",
            discussion: """
                Shells' containers report every call of a sensitive scope (name and picture, mobile number, \
                location) and every refused call (a scope not granted, consent denied, a domain not allowed), \
                counted per app version, in batches sent as the enrolled device. The first table sums them per \
                host; the second lists the latest refusals.
                """)
        @Argument(help: "The mini-program id.") var app: String
        @OptionGroup var platform: PlatformOptions

        func run() async throws {
            let reply = try await platform.client().call(CatalogAPI.activity, ["appId": app])
            emit(reply, json: platform.json) {
                let hosts = (try? JSONCursor(reply).require("hosts").array()) ?? []
                guard !hosts.isEmpty else { return "no activity reported for \(app)" }
                var calls = TextTable("HOST", "KIND", "NAME", "OUTCOME", "COUNT", "LATEST")
                var refusals = TextTable("HOST", "WHEN", "VERSION", "DEVICE", "KIND", "NAME", "OUTCOME", "COUNT")
                for host in hosts {
                    for call in (try? host.require("calls").array()) ?? [] {
                        calls.add(
                            host.text("hostId"), call.text("kind"), call.text("name"), call.text("outcome"),
                            call.text("count"), call.text("last"))
                    }
                    for refusal in (try? host.require("latestRefusals").array()) ?? [] {
                        refusals.add(
                            host.text("hostId"), refusal.text("last"), refusal.text("version"),
                            refusal.text("deviceId"), refusal.text("kind"), refusal.text("name"),
                            refusal.text("outcome"), refusal.text("count"))
                    }
                }
                return calls.rendered + "\n\nLatest refusals\n" + refusals.rendered
            }
        }
    }
}
