import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import MiniKit
import MiniSupport

/// Operations on listings: release (full or gray), widen, full, pause, cancel, rollback, delist, relist.
/// The route reads and checks the request (versions approved, segments known), ``ListingStateMachine`` decides,
/// ``ListingChanges`` commits and publishes; illegal moves are 409s that say why. A host organisation's `hostops`
/// account may delist and relist on its own hosts; everything else is the bank's operations'.
struct ReleaseRoutes {
    let store: any CatalogStore
    let changes: ListingChanges

    static let actions = ["release", "widen", "full", "pause", "cancel", "rollback", "delist", "relist"]

    func add(to group: RouterGroup<CatalogRequestContext>) {
        for action in Self.actions {
            group.post("apps/:appId/\(action)") { request, context -> Response in
                let account = try context.requireAccount()
                let appId = context.parameters.get("appId") ?? ""
                var request = request
                let body = try await RequestBody.json(&request)
                let input = try RequestBody.read(body) { json throws(JSONPathError) in
                    try ListingRequest(json: json, action: action)
                }
                let authority = try await self.authority(account, action: action, host: input.host, context)
                _ = try await store.requireMiniProgram(appId)
                let hosts: [String]
                if input.host == "all" {
                    guard action == "delist" else {
                        throw ProblemError(
                            .badRequest, code: .invalidBody, detail: "$.host: 'all' is only for delist")
                    }
                    // Wherever the state machine lets the bank delist: listed, or delisted by the host's organisation
                    // (the bank's takes that over, so the organisation cannot list it again). A delisting never
                    // depends on the host being active.
                    let delist = ListingCommand.delist(reason: input.reason ?? "")
                    hosts = try await store.listings(appId: appId).filter { listing in
                        let result = ListingStateMachine.apply(
                            delist, to: listing, appId: appId, hostId: listing.hostId, hostActive: true)
                        return (try? result.get()) != nil
                    }.map(\.hostId)
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
                        command, appId: appId, hostId: host, reason: input.reason, by: account.id,
                        authority: authority)
                    results.append(try Self.json(listing, eventSequence: event.sequence))
                }
                return JSONResponse.make(input.host == "all" ? .object(["listings": .array(results)]) : results[0])
            }
        }
        group.get("apps/:appId/listings") { _, context -> Response in
            let listings = try await Self.visibleListings(context, store: store)
            return JSONResponse.make(.object(["listings": .array(try listings.map { try Self.json($0) })]))
        }
    }

    /// Who asks: the bank for its operators; the host's organisation for its `hostops` account, which may only
    /// delist and relist, on one of its own hosts. Everyone else gets a 403.
    private func authority(_ account: Account, action: String, host: String, _ context: CatalogRequestContext)
        async throws -> ListingAuthority
    {
        guard let organisation = account.role.hostOrganisation else {
            _ = try context.requireOperator(to: "\(action) mini-programs")
            return .bank
        }
        guard action == "delist" || action == "relist" else {
            throw ProblemError(
                .forbidden, code: .forbidden, detail: ListingRefusal.bankOnly(action: action).description)
        }
        guard host != "all" else {
            throw ProblemError(
                .forbidden, code: .forbidden,
                detail:
                    "'\(account.id)' delists on \(organisation)'s own hosts only; name one (host 'all' is the bank's)")
        }
        guard let stored = try await store.hostApp(id: host), stored.organisation == organisation else {
            throw ProblemError.notFound("no host app '\(host)'")
        }
        return .hostOrganisation(organisation)
    }

    /// The listings of the app in the path the account may see: all of them for the bank's staff (developers
    /// their own partner's), those on its own hosts for a host organisation (a 404 when there are none).
    static func visibleListings(_ context: CatalogRequestContext, store: any CatalogStore) async throws -> [Listing] {
        let account = try context.requireAccount()
        let appId = context.parameters.get("appId") ?? ""
        let program = try await store.requireMiniProgram(appId)
        guard let hosts = try await context.visibleHosts(store) else {
            try AppRoutes.requireOwnerOrStaff(account, program: program)
            return try await store.listings(appId: appId)
        }
        let listings = try await store.listings(appId: appId).filter { hosts.contains($0.hostId) }
        guard !listings.isEmpty else { throw ProblemError.notFound("'\(appId)' is not listed on your hosts") }
        return listings
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
        if listing.state == .delisted { members["delistedBy"] = .string(listing.delister) }
        if let eventSequence { members["eventSequence"] = .number(Double(eventSequence)) }
        return .object(members)
    }
}
