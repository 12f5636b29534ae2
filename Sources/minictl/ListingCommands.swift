import ArgumentParser
import Catalog
import CatalogAPI
import Foundation
import MiniSupport

/// Who a release or an offer starts with: everyone, or a gray audience.
struct AudienceOptions: ParsableArguments {
    @Option(help: "The share of the audience, 1 to 100, bucketed by user id.") var percent: Int?
    @Option(name: .customLong("segment"), help: "A segment the users must be in (repeatable; see 'segment list').")
    var segments: [String] = []
    @Option(name: .customLong("user"), help: "A user id that gets it (repeatable).") var users: [String] = []
    @Option(
        name: .customLong("constraint"),
        help: ArgumentHelp(
            "An Unleash constraint as JSON (repeatable), such as '{\"contextName\":\"region\",\"operator\":\"IN\",\"values\":[\"shanghai\"]}'.",
            valueName: "JSON"))
    var constraints: [String] = []

    /// The request for `version` on `host` with this audience (none: everyone).
    func request(host: String, version: SemanticVersion, reason: String? = nil) throws -> ListingRequest {
        ListingRequest(
            host: host, version: version, percent: percent, constraints: try rolloutConstraints(constraints),
            userIds: users, segments: segments, reason: reason)
    }
}

/// What every listing command shares: the mini-program, the host, the platform.
struct ListingTarget: ParsableArguments {
    @Argument(help: "The mini-program id.") var app: String
    @Option(help: "The host app.") var host: String
    @OptionGroup var platform: PlatformOptions

    /// The contract's endpoint of a listing action.
    static func endpoint(_ action: String) throws -> Endpoint {
        guard let endpoint = CatalogAPI.listingActions[action] else {
            throw CommandFailure("'\(action)' is not a listing action")
        }
        return endpoint
    }

    /// Posts the action with the contract's body (its host set to this one) and prints the listing(s) it left.
    func post(_ action: String, _ request: ListingRequest? = nil) async throws {
        var body = request ?? ListingRequest(host: host)
        body.host = host
        let reply = try await platform.client().call(
            try Self.endpoint(action), ["appId": app], json: body.jsonValue)
        emit(reply, json: platform.json) {
            let cursor = JSONCursor(reply)
            let listings = (try? cursor.require("listings").array()) ?? [cursor]
            return listings.map { item in
                "\(app) on \(item.text("host")): \(item.text("state")) (event \(item.text("eventSequence")))"
            }.joined(separator: "\n")
        }
    }
}

struct Release: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Release an approved version on a host app: to everyone, or to a gray audience (ops).",
        discussion: """
            Without audience options the version goes to everyone. Any of --percent (below 100), --segment,
            --user, --constraint or --variant makes it a gray release: the rest keep the stable version.
            Named users get it whatever the rest says; --percent applies within the segments and constraints.
            Examples:
              minictl release com.carins.quote --host mbank --version 2.1.0
              minictl release com.carins.quote --host mbank --version 2.2.0 --percent 30 --segment vip
              minictl release com.carins.quote --host mbank --version 2.2.0 --user alice --user bob
              minictl release com.carins.quote --host mbank --version 2.2.0 --variant 2.2.0:1 --variant 2.3.0:1
            """)
    @OptionGroup var target: ListingTarget
    @Option(help: "The approved version to release.") var version: String
    @OptionGroup var audience: AudienceOptions
    @Option(
        name: .customLong("variant"),
        help: ArgumentHelp("Split the gray users between versions: VERSION[:WEIGHT] (repeatable).", valueName: "V[:W]"))
    var variants: [String] = []

    func run() async throws {
        var request = try audience.request(
            host: target.host, version: try semanticVersion(version, option: "--version"))
        request.variants = try variants.map { text in
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            var weight = 1
            if parts.count == 2 {
                guard let number = Int(parts[1]) else {
                    throw ValidationError("--variant \(text): the weight after ':' is a whole number")
                }
                weight = number
            }
            return ListingRequest.Variant(
                version: try semanticVersion(parts.first ?? "", option: "--variant \(text)"), weight: weight)
        }
        try await target.post("release", request)
    }
}

struct Widen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Change the percentage of a running gray release; its segments, users and split stay (ops).")
    @OptionGroup var target: ListingTarget
    @Option(help: "The new share, 1 to 100.") var percent: Int
    func run() async throws { try await target.post("widen", ListingRequest(host: target.host, percent: percent)) }
}

struct Full: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the gray version everyone's: it becomes the stable version (ops).")
    @OptionGroup var target: ListingTarget
    func run() async throws { try await target.post("full") }
}

struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pause a gray release: its users go back to the stable version until it is widened (ops).")
    @OptionGroup var target: ListingTarget
    func run() async throws { try await target.post("pause") }
}

struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cancel a gray release: everyone keeps the stable version (ops).")
    @OptionGroup var target: ListingTarget
    func run() async throws { try await target.post("cancel") }
}

struct Rollback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give everyone an earlier approved version, ending any gray release (ops).")
    @OptionGroup var target: ListingTarget
    @Option(help: "The approved version to go back to.") var version: String
    func run() async throws {
        try await target.post(
            "rollback", ListingRequest(host: target.host, version: try semanticVersion(version, option: "--version")))
    }
}

struct Delist: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take a mini-program down on a host app, or on all with --host all (ops; hostops on its own hosts).",
        discussion: """
            Shells close it, delete its code and data, and acknowledge; 'minictl status APP' shows who has. \
            An organisation's hostops account may delist on its own hosts; the bank's delisting wins over it.
            """)
    @OptionGroup var target: ListingTarget
    @Option(help: "Why, for the audit log and the users' notice (4 to 500 characters).") var reason: String
    func run() async throws { try await target.post("delist", ListingRequest(host: target.host, reason: reason)) }
}

struct Relist: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a delisted mini-program again with its last plan (ops; hostops for its own delistings).",
        discussion: """
            Only who delisted it may list it again: the bank what the bank delisted, a host's organisation what \
            it delisted on its own host.
            """)
    @OptionGroup var target: ListingTarget
    func run() async throws { try await target.post("relist") }
}

/// A version given on the command line, checked before anything is sent.
func semanticVersion(_ text: String, option: String) throws -> SemanticVersion {
    guard let version = SemanticVersion(text) else {
        throw ValidationError("\(option): '\(text)' is not a semantic version such as 1.2.0")
    }
    return version
}

/// Unleash constraints given as JSON on the command line (`--constraint`), read as the server reads them.
func rolloutConstraints(_ texts: [String]) throws -> [RolloutConstraint] {
    try texts.enumerated().map { index, text in
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(text.utf8))
        } catch {
            throw ValidationError("--constraint \(index + 1) is not JSON: \(error)")
        }
        do {
            return try RolloutConstraint(request: JSONCursor(value, path: "--constraint \(index + 1)"))
        } catch let error as JSONPathError {
            throw ValidationError(error.description)
        }
    }
}

extension JSONCursor {
    /// A member as text for tables: strings as they are, numbers and booleans as JSON, "-" when absent.
    func text(_ key: String) -> String {
        guard let member = try? field(key) else { return "-" }
        if case .string(let text) = member.value { return text }
        return member.value.serialized()
    }
}
