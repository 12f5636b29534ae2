import Catalog
import Foundation
import Hummingbird
import MiniKit

/// Operations on listings: release (full or gray), widen, full, pause, cancel, rollback, delist, relist.
/// Every change raises the host's catalog version and appends a catalog event; illegal moves are 409s that
/// say why.
struct ReleaseRoutes {
    let store: any CatalogStore
    let clock: any CatalogClock
    let hub: EventHub
    let cache: CatalogCache

    func add(to group: RouterGroup<CatalogRequestContext>) {
        for action in ["release", "widen", "full", "pause", "cancel", "rollback", "delist", "relist"] {
            group.post("apps/:appId/\(action)") { request, context -> Response in
                let account = try context.requireOperator(to: "\(action) mini-programs")
                let appId = context.parameters.get("appId") ?? ""
                _ = try await store.requireMiniProgram(appId)
                var request = request
                let body = try await RequestBody.json(&request)
                let input = try RequestBody.read(body) { json throws(JSONPathError) in
                    try Input(json: json, action: action)
                }
                let hosts: [String]
                if input.host == "all" {
                    guard action == "delist" else {
                        throw ProblemError(
                            .badRequest, code: "invalid-body", detail: "$.host: 'all' is only for delist")
                    }
                    hosts = try await store.listings(appId: appId).filter { $0.state != .delisted }.map(\.hostId)
                    guard !hosts.isEmpty else {
                        throw ProblemError(
                            .conflict, code: "illegal-transition", detail: "'\(appId)' is not listed anywhere")
                    }
                } else {
                    hosts = [input.host]
                }
                var results: [JSONValue] = []
                for host in hosts {
                    results.append(try await apply(action, appId: appId, host: host, input: input, by: account))
                }
                return JSONResponse.make(input.host == "all" ? .object(["listings": .array(results)]) : results[0])
            }
        }
        group.get("apps/:appId/listings") { _, context -> Response in
            let account = try context.requireAccount()
            let appId = context.parameters.get("appId") ?? ""
            let program = try await store.requireMiniProgram(appId)
            try AppRoutes.requireOwnerOrStaff(account, program: program)
            let listings = try await store.listings(appId: appId)
            return JSONResponse.make(.object(["listings": .array(try listings.map(Self.json))]))
        }
    }

    /// The body every listing action takes: the host, and what the action needs.
    struct Input {
        var host: String
        var version: SemanticVersion?
        var percent: Int?
        var constraints: [RolloutConstraint]
        var reason: String?

        init(json: JSONCursor, action: String) throws(JSONPathError) {
            try json.onlyFields(["host", "version", "percent", "constraints", "reason"])
            let hostCursor = try json.require("host")
            host = try hostCursor.string()
            guard !host.isEmpty, host.count <= 64 else { throw hostCursor.error("a host id") }
            if let cursor = try json.field("version") {
                guard let parsed = SemanticVersion(try cursor.string()) else {
                    throw cursor.error("not a semantic version")
                }
                version = parsed
            }
            if let cursor = try json.field("percent") {
                let value = try cursor.int()
                guard (1...100).contains(value) else { throw cursor.error("a percentage from 1 to 100") }
                percent = value
            }
            var constraints: [RolloutConstraint] = []
            for item in try json.arrayField("constraints") { constraints.append(try RolloutConstraint(json: item)) }
            self.constraints = constraints
            if let cursor = try json.field("reason") {
                let text = try cursor.string()
                guard (4...500).contains(text.count) else { throw cursor.error("a reason has 4 to 500 characters") }
                reason = text
            }
            switch action {
            case "release", "rollback":
                guard version != nil else { throw json.error("missing required field 'version'") }
            case "widen":
                guard percent != nil else { throw json.error("missing required field 'percent'") }
            case "delist":
                guard reason != nil else {
                    throw json.error("missing required field 'reason': say why it is taken down")
                }
            default: break
            }
        }
    }

    private func conflict(_ detail: String) -> ProblemError {
        ProblemError(.conflict, code: "illegal-transition", detail: detail)
    }

    private func apply(_ action: String, appId: String, host: String, input: Input, by account: Account) async throws
        -> JSONValue
    {
        guard let hostApp = try await store.hostApp(id: host) else {
            throw ProblemError.notFound("no host app '\(host)'")
        }
        let existing = try await store.listings(appId: appId).first { $0.hostId == host }
        var listing =
            existing
            ?? Listing(
                appId: appId, hostId: host, state: .unlisted,
                plan: ReleasePlan(appId: appId, hostId: host, stableVersion: nil))
        let event: CatalogEvent.Kind
        var eventVersion: SemanticVersion?
        switch action {
        case "release":
            guard hostApp.active else { throw conflict("host app '\(host)' is deactivated") }
            let version = input.version!
            try await requireApproved(appId, version)
            switch listing.state {
            case .gray, .paused:
                throw conflict(
                    "a gray release of \(listing.plan.gray?.version.description ?? "?") is running on \(host); widen it, make it full, or cancel it first"
                )
            case .delisted: throw conflict("'\(appId)' is delisted on \(host); relist it first")
            case .unlisted, .full: break
            }
            if let percent = input.percent, percent < 100 {
                listing.plan.gray = .percentage(percent, of: version, groupId: appId, constraints: input.constraints)
                listing.state = .gray
                event = .grayChanged
            } else {
                listing.plan.stableVersion = version
                listing.plan.gray = nil
                listing.state = .full
                event = .published
            }
            eventVersion = version
        case "widen":
            guard listing.state == .gray || listing.state == .paused, let gray = listing.plan.gray else {
                throw conflict("no gray release is running on \(host) (the listing is \(listing.state.rawValue))")
            }
            listing.plan.gray = .percentage(
                input.percent!, of: gray.version, groupId: appId, constraints: gray.strategies.first?.constraints ?? [])
            listing.state = .gray
            event = .grayChanged
            eventVersion = gray.version
        case "full":
            guard listing.state == .gray || listing.state == .paused, let gray = listing.plan.gray else {
                throw conflict("no gray release is running on \(host) (the listing is \(listing.state.rawValue))")
            }
            listing.plan.stableVersion = gray.version
            listing.plan.gray = nil
            listing.state = .full
            event = .published
            eventVersion = gray.version
        case "pause":
            guard listing.state == .gray, listing.plan.gray != nil else {
                throw conflict("only a running gray release can be paused (the listing is \(listing.state.rawValue))")
            }
            listing.plan.gray?.paused = true
            listing.state = .paused
            event = .grayChanged
        case "cancel":
            guard listing.state == .gray || listing.state == .paused else {
                throw conflict("no gray release to cancel on \(host)")
            }
            listing.plan.gray = nil
            listing.state = listing.plan.stableVersion == nil ? .unlisted : .full
            event = .grayChanged
        case "rollback":
            guard listing.state == .full || listing.state == .gray || listing.state == .paused else {
                throw conflict(
                    "'\(appId)' is \(listing.state.rawValue) on \(host); only a listed mini-program can be rolled back")
            }
            let version = input.version!
            try await requireApproved(appId, version)
            listing.plan.stableVersion = version
            listing.plan.gray = nil
            listing.state = .full
            event = .rolledBack
            eventVersion = version
        case "delist":
            guard listing.state != .delisted, existing != nil, listing.state != .unlisted else {
                throw conflict("'\(appId)' is not listed on \(host)")
            }
            listing.state = .delisted
            listing.delistReason = input.reason
            event = .delisted
        default:  // relist
            guard listing.state == .delisted else { throw conflict("'\(appId)' is not delisted on \(host)") }
            listing.state = listing.plan.gray != nil ? (listing.plan.gray!.paused ? .paused : .gray) : .full
            listing.delistReason = nil
            event = .relisted
        }
        let sequence = try await store.commit(
            listing, event: event, version: eventVersion, reason: input.reason, at: clock.now())
        await cache.invalidate(host)
        await hub.publish(host)  // the host's open event streams send it now
        try await store.appendAudit(
            AuditEntry(
                at: clock.now(), actor: account.id, action: "listing.\(action)", target: "\(appId)@\(host)",
                reason: input.reason))
        guard case .object(var members) = try Self.json(listing) else { return .null }
        members["eventSequence"] = .number(Double(sequence))
        return .object(members)
    }

    private func requireApproved(_ appId: String, _ version: SemanticVersion) async throws {
        guard let stored = try await store.version(appId: appId, version: version) else {
            throw ProblemError.notFound("no version \(version) of '\(appId)'")
        }
        guard stored.version.reviewState == .approved else {
            throw conflict(
                "version \(version) is \(stored.version.reviewState.rawValue); only approved versions are released")
        }
    }

    static func json(_ listing: Listing) throws -> JSONValue {
        var members: [String: JSONValue] = [
            "appId": .string(listing.appId), "host": .string(listing.hostId), "state": .string(listing.state.rawValue),
            "plan": try JSONValue.parse(try WireFormat.encoder().encode(listing.plan)),
        ]
        if let reason = listing.delistReason { members["delistReason"] = .string(reason) }
        return .object(members)
    }
}
