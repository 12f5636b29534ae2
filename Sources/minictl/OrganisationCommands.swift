import ArgumentParser
import Catalog
import CatalogAPI
import Foundation
import MiniSupport

/// `minictl org`: the organisations that run host apps.
struct Org: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Organisations that run host apps: the bank, and those listing its services in their own apps.",
        subcommands: [List.self, Create.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List organisations and their host apps (a hostops account sees its own).")
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(CatalogAPI.organisations)
            emit(reply, json: platform.json) {
                var table = TextTable("ID", "NAME", "HOSTS")
                for organisation in (try? JSONCursor(reply).require("organisations").array()) ?? [] {
                    let hosts = ((try? organisation.require("hosts").array()) ?? []).map { (try? $0.string()) ?? "?" }
                    table.add(
                        organisation.text("id"), organisation.text("name"),
                        hosts.isEmpty ? "-" : hosts.joined(separator: ", "))
                }
                return table.rendered
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an external organisation (ops); then create its hosts and a hostops:ORG account.",
            discussion: """
                Example:
                  minictl org create metro --name "Metro Transit Co."
                  minictl host create metropay --name "Metro Pay" --organisation metro
                  catalogd account create hostops-metro --name "Metro Pay operations" --role hostops:metro
                """)
        @Argument(help: "The organisation id (lowercase letters, digits, '-' and '.').") var id: String
        @Option(help: "Its name.") var name: String
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let body = OrganisationCreate(id: id, name: name)
            do {
                _ = try OrganisationCreate(json: JSONCursor(body.jsonValue))
            } catch {
                throw ValidationError("\(error.message)")
            }
            let reply = try await platform.client().call(CatalogAPI.createOrganisation, json: body.jsonValue)
            emit(reply, json: platform.json) { "created organisation \(id)" }
        }
    }
}

/// `minictl offer`: the bank offers an approved version to an external organisation's host.
struct OfferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offer",
        abstract: "Offer an approved version to a host app another organisation runs (ops).",
        discussion: """
            Nothing is listed on such a host until its organisation accepts ('minictl offers accept'). The \
            offer says how the version starts: for everyone, or a gray audience (--percent, --segment, --user, \
            --constraint), as 'minictl release' does. A new offer replaces a pending one.
            Examples:
              minictl offer com.bank.branch-queue --host metropay --version 1.0.3
              minictl offer com.eastsec.open-account --host metropay --version 1.5.0 --percent 10
            """)
    @Argument(help: "The mini-program id.") var app: String
    @Option(help: "The host app.") var host: String
    @Option(help: "The approved version to offer.") var version: String
    @OptionGroup var audience: AudienceOptions
    @Option(help: "A note for the organisation (4 to 500 characters).") var note: String?
    @OptionGroup var platform: PlatformOptions

    func run() async throws {
        let request = try audience.request(
            host: host, version: try semanticVersion(version, option: "--version"), reason: note)
        let reply = try await platform.client().call(CatalogAPI.offer, ["appId": app], json: request.jsonValue)
        emit(reply, json: platform.json) {
            let offer = JSONCursor(reply)
            return
                "offered \(app) \(version) to \(host) (\(offer.text("organisation"))): pending until they accept or decline"
        }
    }
}

/// `minictl offers`: offers, and the host organisation's decisions.
struct Offers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The bank's offers to other organisations' host apps, and their decisions.",
        subcommands: [List.self, Accept.self, Decline.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List offers, newest first (a hostops account sees those to its own hosts).")
        @Option(help: "Only offers to this host app.") var host: String?
        @Option(help: "Only offers in this state: pending, accepted, declined or withdrawn.") var state: String?
        @Option(help: "How many, 1 to 1000.") var limit = 50
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit is 1 to 1000") }
            var query = [("limit", String(limit))]
            if let host { query.append(("host", host)) }
            if let state { query.append(("state", state)) }
            let reply = try await platform.client().call(CatalogAPI.offers, query: query)
            emit(reply, json: platform.json) {
                let offers = (try? JSONCursor(reply).require("offers").array()) ?? []
                guard !offers.isEmpty else { return "no offers" }
                var table = TextTable("APP", "VERSION", "HOST", "ORG", "STATE", "START", "OFFERED", "DECIDED", "REASON")
                for offer in offers {
                    let start = (try? offer.require("plan")) == nil ? "everyone" : "gray"
                    let decided =
                        offer.text("decidedBy") == "-" ? "-" : "\(offer.text("decidedBy")) \(offer.text("decidedAt"))"
                    table.add(
                        offer.text("appId"), offer.text("version"), offer.text("host"), offer.text("organisation"),
                        offer.text("state"), start, "\(offer.text("offeredBy")) \(offer.text("offeredAt"))", decided,
                        offer.text("reason"))
                }
                return table.rendered
            }
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Accept the pending offer of a mini-program to your host: it is listed there as offered (hostops).")
        @Argument(help: "The mini-program id.") var app: String
        @Option(help: "Your host app.") var host: String
        @Option(help: "Why (4 to 500 characters).") var reason: String?
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await decide(CatalogAPI.acceptOffer, app: app, host: host, reason: reason, platform)
            emit(reply, json: platform.json) {
                let listing = (try? JSONCursor(reply).require("listing")).map { $0.text("state") } ?? "-"
                return "accepted \(app) \(JSONCursor(reply).text("version")) on \(host): \(listing)"
            }
        }
    }

    struct Decline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decline the pending offer of a mini-program to your host; nothing is listed (hostops).")
        @Argument(help: "The mini-program id.") var app: String
        @Option(help: "The host app.") var host: String
        @Option(help: "Why (4 to 500 characters); the bank reads it.") var reason: String?
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await decide(CatalogAPI.declineOffer, app: app, host: host, reason: reason, platform)
            emit(reply, json: platform.json) { "declined \(app) \(JSONCursor(reply).text("version")) on \(host)" }
        }
    }
}

/// Posts the host organisation's decision on the pending offer of `app` to `host`.
private func decide(_ endpoint: Endpoint, app: String, host: String, reason: String?, _ platform: PlatformOptions)
    async throws -> JSONValue
{
    try await platform.client().call(
        endpoint, ["hostId": host, "appId": app], json: OfferDecision(reason: reason).jsonValue)
}
