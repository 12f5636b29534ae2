import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import MiniKit
import MiniSupport

/// `GET /v1/apps/{id}/status`: per host, the listing and — for the latest delisting — which active shells
/// confirmed it and which have not. Operations' proof that a recall took effect.
struct StatusRoutes {
    let store: any CatalogStore
    let clock: any CatalogClock
    /// Shells that acknowledged anything within this window count as active.
    let activeWindow: TimeInterval

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.get("apps/:appId/explain") { request, context -> Response in
            let visible = try await ReleaseRoutes.visibleListings(context, store: store)
            let query = request.uri.queryParameters
            let appId = context.parameters.get("appId") ?? ""
            guard let host = query.get("host"), let user = query.get("user"), !user.isEmpty, user.count <= 128 else {
                throw ProblemError(
                    .badRequest, code: .invalidQuery,
                    detail: "?host=HOST&user=ID are required (p.NAME=VALUE adds properties)")
            }
            guard
                let listing = visible.first(where: { $0.hostId == String(host) })
            else {
                throw ProblemError.notFound("'\(appId)' was never released on '\(host)'")
            }
            var properties: [String: String] = [:]
            for (key, value) in query where key.hasPrefix("p.") && key.count > 2 && properties.count < 32 {
                properties[String(key.dropFirst(2))] = String(value)
            }
            let grayContext = GrayContext(userId: String(user), appName: String(host), properties: properties)
            var members: [String: JSONValue] = [
                "appId": .string(appId), "host": .string(String(host)), "user": .string(String(user)),
                "state": .string(listing.state.rawValue),
            ]
            if !listing.state.isListed {
                members["version"] = .null
                members["summary"] = .string("'\(appId)' is \(listing.state.rawValue) on \(host): nobody gets it")
                return JSONResponse.make(.object(members))
            }
            let resolver = CatalogResolver(plans: [listing.plan], segments: try await store.segments(), clock: clock)
            guard let (resolution, explanation) = resolver.explain(appId, context: grayContext) else {
                throw ProblemError.notFound("no plan for '\(appId)' on '\(host)'")
            }
            members["version"] = resolution.version.map { .string($0.description) } ?? .null
            members["gray"] = .bool(resolution.isGray)
            members["summary"] = .string(
                resolution.version.map { "\(user) gets \(appId) \($0)\(resolution.isGray ? " (gray)" : "")" }
                    ?? "\(user) does not get \(appId) on \(host)")
            if listing.plan.gray != nil { members["explanation"] = explanation.jsonValue }
            return JSONResponse.make(.object(members))
        }
        group.get("apps/:appId/status") { _, context -> Response in
            let appId = context.parameters.get("appId") ?? ""
            let listings = try await ReleaseRoutes.visibleListings(context, store: store)
            var hosts: [JSONValue] = []
            let segmentNames = Dictionary(
                try await store.segments().map { ($0.id, $0.name ?? "#\($0.id)") },
                uniquingKeysWith: { first, _ in first })
            let complaints = try await store.complaintCounts(appId: appId)
            for listing in listings {
                guard case .object(var members) = try ReleaseRoutes.json(listing) else { continue }
                members["complaints"] = .number(Double(complaints[listing.hostId] ?? 0))
                if let gray = listing.plan.gray {
                    members["audience"] = .string(gray.audienceSummary(segmentNames: segmentNames))
                }
                if let tombstone = try await store.delistings(hostId: listing.hostId).first(where: { $0.appId == appId }
                ) {
                    members["delisting"] = try await delistingStatus(tombstone, host: listing.hostId)
                }
                hosts.append(.object(members))
            }
            return JSONResponse.make(.object(["appId": .string(appId), "hosts": .array(hosts)]))
        }
    }

    /// The host's active devices (enrolled, not revoked, seen within the window) and whether each confirmed
    /// the delisting with a verified acknowledgement: an event sequence at or after the delisting's, or the
    /// mini-program reported purged. Nothing a host-key holder can post counts.
    func delistingStatus(_ tombstone: Tombstone, host: String) async throws -> JSONValue {
        let since = clock.now().addingTimeInterval(-activeWindow)
        let active = try await store.devices(hostId: host).filter { !$0.isRevoked && $0.lastSeen >= since }
        let acks = try await store.acknowledgements(hostId: host)
        var confirmed: [JSONValue] = []
        var pending: [JSONValue] = []
        for device in active {
            var entry: [String: JSONValue] = [
                "deviceId": .string(device.id), "lastSeen": .string(Timestamp.format(device.lastSeen)),
            ]
            let ack = acks[device.id]?.ack
            if let ack { entry["eventSequence"] = .number(Double(ack.eventSequence)) }
            if let ack, ack.eventSequence >= tombstone.sequence || ack.purged.contains(tombstone.appId) {
                confirmed.append(.object(entry))
            } else {
                pending.append(.object(entry))
            }
        }
        return .object([
            "sequence": .number(Double(tombstone.sequence)), "at": .string(Timestamp.format(tombstone.delistedAt)),
            "reason": .string(tombstone.reason), "activeShells": .number(Double(active.count)),
            "confirmed": .number(Double(confirmed.count)), "confirmedShells": .array(confirmed),
            "pendingShells": .array(pending),
        ])
    }
}
