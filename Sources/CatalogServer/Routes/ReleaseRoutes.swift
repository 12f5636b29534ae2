import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import MiniKit
import MiniSupport

/// Operations on listings: release (full or gray), widen, full, pause, cancel, rollback, delist, relist.
/// The route reads and checks the request (versions approved, segments known), ``ListingStateMachine`` decides,
/// ``ListingChanges`` commits and publishes; illegal moves are 409s that say why.
struct ReleaseRoutes {
    let store: any CatalogStore
    let changes: ListingChanges

    static let actions = ["release", "widen", "full", "pause", "cancel", "rollback", "delist", "relist"]

    func add(to group: RouterGroup<CatalogRequestContext>) {
        for action in Self.actions {
            group.post("apps/:appId/\(action)") { request, context -> Response in
                let account = try context.requireOperator(to: "\(action) mini-programs")
                let appId = context.parameters.get("appId") ?? ""
                _ = try await store.requireMiniProgram(appId)
                var request = request
                let body = try await RequestBody.json(&request)
                let input = try RequestBody.read(body) { json throws(JSONPathError) in
                    try ListingRequest(json: json, action: action)
                }
                let hosts: [String]
                if input.host == "all" {
                    guard action == "delist" else {
                        throw ProblemError(
                            .badRequest, code: .invalidBody, detail: "$.host: 'all' is only for delist")
                    }
                    hosts = try await store.listings(appId: appId).filter { $0.state.isListed }.map(\.hostId)
                    guard !hosts.isEmpty else {
                        throw ListingChanges.conflict("'\(appId)' is not listed anywhere")
                    }
                } else {
                    hosts = [input.host]
                }
                var results: [JSONValue] = []
                for host in hosts {
                    let command = try await self.command(action, input: input, appId: appId)
                    let (listing, event) = try await changes.apply(
                        command, appId: appId, hostId: host, reason: input.reason, by: account.id)
                    results.append(try Self.json(listing, eventSequence: event.sequence))
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
            return JSONResponse.make(.object(["listings": .array(try listings.map { try Self.json($0) })]))
        }
    }

    /// The command a checked request stands for: versions must exist and be approved, segments must exist.
    private func command(_ action: String, input: ListingRequest, appId: String) async throws -> ListingCommand {
        func required<T>(_ value: T?, _ field: String) throws -> T {
            guard let value else {
                throw ProblemError(.badRequest, code: .invalidBody, detail: "$: missing required field '\(field)'")
            }
            return value
        }
        switch action {
        case "release":
            let version = try required(input.version, "version")
            try await requireApproved(appId, version)
            for variant in input.variants { try await requireApproved(appId, variant.version) }
            let segmentIds = try await store.segmentIds(for: input)
            do {
                return .release(
                    version, gray: try input.grayRelease(appId: appId, version: version, segmentIds: segmentIds))
            } catch {
                throw ProblemError(.badRequest, code: .invalidBody, detail: error.description)
            }
        case "widen": return .widen(percent: try required(input.percent, "percent"))
        case "full": return .full
        case "pause": return .pause
        case "cancel": return .cancel
        case "rollback":
            let version = try required(input.version, "version")
            try await requireApproved(appId, version)
            return .rollback(version)
        case "delist": return .delist(reason: try required(input.reason, "reason"))
        default: return .relist
        }
    }

    private func requireApproved(_ appId: String, _ version: SemanticVersion) async throws {
        guard let stored = try await store.version(appId: appId, version: version) else {
            throw ProblemError.notFound("no version \(version) of '\(appId)'")
        }
        guard stored.version.reviewState == .approved else {
            throw ListingChanges.conflict(
                "version \(version) is \(stored.version.reviewState.rawValue); only approved versions are released")
        }
    }

    static func json(_ listing: Listing, eventSequence: UInt64? = nil) throws -> JSONValue {
        var members: [String: JSONValue] = [
            "appId": .string(listing.appId), "host": .string(listing.hostId), "state": .string(listing.state.rawValue),
            "plan": try JSONValue.parse(try WireFormat.encoder().encode(listing.plan)),
        ]
        if let reason = listing.delistReason { members["delistReason"] = .string(reason) }
        if let eventSequence { members["eventSequence"] = .number(Double(eventSequence)) }
        return .object(members)
    }
}
