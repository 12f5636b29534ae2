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
    let signer: EventSigner

    func add(to group: RouterGroup<CatalogRequestContext>) {
        for action in ["release", "widen", "full", "pause", "cancel", "rollback", "delist", "relist"] {
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
                            .badRequest, code: "invalid-body", detail: "$.host: 'all' is only for delist")
                    }
                    hosts = try await store.listings(appId: appId).filter {
                        $0.state.isListed
                    }
                    .map(\.hostId)
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
        group.post("hosts/:hostId/deactivate") { request, context -> Response in
            let account = try context.requireOperator(to: "deactivate host apps")
            var request = request
            let body = try await RequestBody.json(&request)
            let reason = try RequestBody.read(body) { json throws(JSONPathError) in
                try json.onlyFields(["reason"])
                return try json.require("reason").reasonText()
            }
            let host = try await requireHost(context)
            let listed = try await store.listings(hostId: host.id).filter {
                $0.state.isListed
            }
            // Deactivating an inactive host again finishes a deactivation that was cut off; otherwise it is a 409.
            guard host.active || !listed.isEmpty else {
                throw conflict("host app '\(host.id)' is deactivated already")
            }
            var deactivated = host
            deactivated.active = false
            // Inactive first, so no release can start while its listings are delisted one by one (a release
            // that read the host as active fails its commit: the commit re-checks in its transaction).
            try await store.saveHostApp(
                deactivated,
                audit: AuditEntry(
                    at: clock.now(), actor: account.id, action: "host.deactivate", target: host.id, reason: reason))
            let delist = ListingRequest(host: host.id, reason: "host app deactivated: \(reason)")
            var delisted: [JSONValue] = []
            for listing in listed {
                do {
                    delisted.append(
                        try await apply("delist", appId: listing.appId, host: host.id, input: delist, by: account))
                } catch let problem as ProblemError where problem.status == .conflict {
                    continue  // someone delisted it meanwhile: what matters is that it is not listed
                }
            }
            return JSONResponse.make(
                .object(["host": HostRoutes.json(deactivated), "delisted": .array(delisted)]))
        }
        group.post("hosts/:hostId/activate") { _, context -> Response in
            let account = try context.requireOperator(to: "activate host apps")
            var host = try await requireHost(context)
            guard !host.active else { throw conflict("host app '\(host.id)' is active already") }
            host.active = true
            try await store.saveHostApp(
                host, audit: AuditEntry(at: clock.now(), actor: account.id, action: "host.activate", target: host.id))
            return JSONResponse.make(HostRoutes.json(host))
        }
        group.post("hosts/:hostId/rotate-key") { _, context -> Response in
            let account = try context.requireOperator(to: "replace host keys")
            let host = try await requireHost(context)
            let key = HostRoutes.newHostKey()
            try await store.setHostKey(
                hostId: host.id, hash: APIToken.hash(key),
                audit: AuditEntry(at: clock.now(), actor: account.id, action: "host.rotate-key", target: host.id))
            await cache.forgetKeys(of: host.id)
            return JSONResponse.make(.object(["host": .string(host.id), "hostKey": .string(key)]))
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

    private func requireHost(_ context: CatalogRequestContext) async throws -> HostApp {
        let id = context.parameters.get("hostId") ?? ""
        guard let host = try await store.hostApp(id: id) else { throw ProblemError.notFound("no host app '\(id)'") }
        return host
    }

    private func conflict(_ detail: String) -> ProblemError {
        ProblemError(.conflict, code: "illegal-transition", detail: detail)
    }

    private func apply(_ action: String, appId: String, host: String, input: ListingRequest, by account: Account)
        async throws
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
            for variant in input.variants { try await requireApproved(appId, variant.version) }
            switch listing.state {
            case .gray, .paused:
                throw conflict(
                    "a gray release of \(listing.plan.gray?.version.description ?? "?") is running on \(host); widen it, make it full, or cancel it first"
                )
            case .delisted: throw conflict("'\(appId)' is delisted on \(host); relist it first")
            case .unlisted, .full: break
            }
            let segmentIds = try await store.segmentIds(for: input)
            let gray: GrayRelease?
            do {
                gray = try input.grayRelease(appId: appId, version: version, segmentIds: segmentIds)
            } catch {
                throw ProblemError(.badRequest, code: "invalid-body", detail: error.description)
            }
            if let gray {
                listing.plan.gray = gray
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
            listing.plan.gray = gray.widened(to: input.percent!, groupId: appId)
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
            guard existing != nil, listing.state.isListed else {
                throw conflict("'\(appId)' is not listed on \(host)")
            }
            listing.state = .delisted
            listing.delistReason = input.reason
            event = .delisted
        default:  // relist
            guard listing.state == .delisted else { throw conflict("'\(appId)' is not delisted on \(host)") }
            guard hostApp.active else { throw conflict("host app '\(host)' is deactivated; activate it first") }
            listing.state = listing.plan.gray != nil ? (listing.plan.gray!.paused ? .paused : .gray) : .full
            listing.delistReason = nil
            event = .relisted
        }
        let stored: StoredEvent
        do {
            stored = try await store.commit(
                listing, event: event, version: eventVersion, reason: input.reason, at: clock.now(),
                audit: AuditEntry(
                    at: clock.now(), actor: account.id, action: "listing.\(action)", target: "\(appId)@\(host)",
                    reason: input.reason),
                expected: existing, requireActiveHost: action != "delist")
        } catch let changed as ListingChanged {
            throw conflict(changed.description)
        } catch let unapproved as VersionNotApproved {
            throw conflict(unapproved.description)
        }
        await cache.invalidate(host)
        // Signed once here; the host's open event streams send it now.
        await hub.publish(host, try signer.frame(stored))
        guard case .object(var members) = try Self.json(listing) else { return .null }
        members["eventSequence"] = .number(Double(stored.sequence))
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
