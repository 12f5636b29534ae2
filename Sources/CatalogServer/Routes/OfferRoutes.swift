import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import MiniKit
import MiniSupport

/// Offers: the bank's operations offer an approved version to a host app an external organisation runs
/// (`POST /v1/apps/{appId}/offers`), and that organisation's `hostops` account accepts — which lists the version
/// as offered, in the same transaction — or declines it, with a reason. Nothing else lists on such a host.
struct OfferRoutes {
    let store: any CatalogStore
    let clock: any CatalogClock
    let changes: ListingChanges

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.post("apps/:appId/offers") { request, context -> Response in
            let account = try context.requireOperator(to: "offer mini-programs to other organisations")
            let appId = context.parameters.get("appId") ?? ""
            var request = request
            let input = try RequestBody.read(try await RequestBody.json(&request)) { json throws(JSONPathError) in
                let input = try ListingRequest(json: json, action: "release")
                guard input.variants.isEmpty else {
                    throw JSONPathError(path: "$.variants", message: "an offer names one version, without variants")
                }
                return input
            }
            _ = try await store.requireMiniProgram(appId)
            guard let host = try await store.hostApp(id: input.host) else {
                throw ProblemError.notFound("no host app '\(input.host)'")
            }
            guard host.isExternal else {
                throw ListingChanges.conflict(
                    "\(host.id) is the bank's own host app: release on it directly (offers are for other organisations' hosts)"
                )
            }
            guard host.active else { throw ListingChanges.conflict("host app '\(host.id)' is deactivated") }
            guard let version = input.version else {
                throw ProblemError(.badRequest, code: .invalidBody, detail: "$: missing required field 'version'")
            }
            guard let stored = try await store.version(appId: appId, version: version) else {
                throw ProblemError.notFound("no version \(version) of '\(appId)'")
            }
            guard stored.version.reviewState == .approved else {
                throw ListingChanges.conflict(
                    "version \(version) is \(stored.version.reviewState.rawValue); only approved versions are offered")
            }
            if let listing = try await store.listings(appId: appId).first(where: { $0.hostId == host.id }),
                listing.state == .delisted
            {
                throw ListingChanges.conflict(
                    "'\(appId)' is delisted on \(host.id) by \(listing.delister); it is listed again by relisting, not by an offer"
                )
            }
            let segmentIds = try await store.segmentIds(for: input)
            let gray: GrayRelease?
            do {
                gray = try input.grayRelease(appId: appId, version: version, segmentIds: segmentIds)
            } catch {
                throw ProblemError(.badRequest, code: .invalidBody, detail: "\(error)")
            }
            let now = clock.now()
            let offer = Offer(
                appId: appId, hostId: host.id, version: version, gray: gray, offeredBy: account.id, offeredAt: now)
            guard
                try await store.createOffer(
                    offer,
                    audit: AuditEntry(
                        at: now, actor: account.id, action: "offer.create", target: "\(appId)@\(host.id)",
                        reason: "\(version)\(gray == nil ? "" : " (gray)")\(input.reason.map { ": \($0)" } ?? "")",
                        organisation: host.organisation))
            else {
                throw ProblemError(
                    .conflict, code: .offerExists,
                    detail: "\(host.id) accepted \(appId) \(version) already; roll back to it, or offer another version"
                )
            }
            return JSONResponse.make(try Self.json(offer, organisation: host.organisation), status: .created)
        }
        group.get("offers") { request, context -> Response in
            var hosts = try await context.operatedHosts(store, to: "read offers")
            let query = request.uri.queryParameters
            let limit = try RequestQuery.limit(query.get("limit"))
            if let host = query.get("host").map({ String($0) }) {
                guard hosts?.contains(host) ?? true else { throw ProblemError.notFound("no host app '\(host)'") }
                hosts = [host]
            }
            var state: Offer.State?
            if let text = query.get("state") {
                guard let known = Offer.State(rawValue: String(text)) else {
                    throw ProblemError(
                        .badRequest, code: .invalidQuery,
                        detail:
                            "state is \(Offer.State.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text.prefix(20))'"
                    )
                }
                state = known
            }
            let organisations = Dictionary(
                try await store.hostApps().map { ($0.id, $0.organisation) }, uniquingKeysWith: { first, _ in first })
            let offers = try await store.offers(hostIds: hosts, limit: state == nil ? limit : 1000)
                .filter { state == nil || $0.state == state }.prefix(limit)
            return JSONResponse.make(
                .object([
                    "offers": .array(
                        try offers.map { try Self.json($0, organisation: organisations[$0.hostId] ?? "") })
                ]))
        }
        for decision in ["accept", "decline"] {
            group.post("hosts/:hostId/offers/:appId/\(decision)") { request, context -> Response in
                let account = try context.requireAccount()
                let appId = context.parameters.get("appId") ?? ""
                var request = request
                let reason = try RequestBody.read(try await RequestBody.json(&request), OfferDecision.init(json:))
                    .reason
                let host = try await context.visibleHost(store)
                guard account.role.hostOrganisation == host.organisation else {
                    throw ProblemError(
                        .forbidden, code: .forbidden,
                        detail:
                            "only \(host.organisation)'s hostops accounts \(decision) offers to \(host.id); '\(account.id)' is \(account.role)"
                    )
                }
                guard let offer = try await store.pendingOffer(appId: appId, hostId: host.id) else {
                    throw ProblemError(
                        .conflict, code: .offerNotPending, detail: "no pending offer of '\(appId)' to \(host.id)")
                }
                let now = clock.now()
                var decided = offer
                decided.decidedBy = account.id
                decided.decidedAt = now
                decided.reason = reason
                if decision == "decline" {
                    guard
                        try await store.declineOffer(
                            appId: appId, hostId: host.id, version: offer.version, by: account.id, at: now,
                            reason: reason,
                            audit: AuditEntry(
                                at: now, actor: account.id, action: "offer.decline", target: "\(appId)@\(host.id)",
                                reason: "\(offer.version)\(reason.map { ": \($0)" } ?? "")",
                                organisation: host.organisation))
                    else {
                        throw ProblemError(
                            .conflict, code: .offerNotPending,
                            detail: OfferNotPending(appId: appId, hostId: host.id).description)
                    }
                    decided.state = .declined
                    return JSONResponse.make(try Self.json(decided, organisation: host.organisation))
                }
                // Accepting lists the version as offered; both happen in one transaction, or neither.
                let (listing, event) = try await changes.apply(
                    .release(offer.version, gray: offer.gray), appId: appId, hostId: host.id,
                    reason: reason, by: account.id,
                    accepting: OfferAcceptance(version: offer.version, by: account.id, at: now, reason: reason))
                decided.state = .accepted
                return JSONResponse.make(
                    try Self.json(
                        decided, organisation: host.organisation,
                        listing: try ReleaseRoutes.json(listing, eventSequence: event.sequence)))
            }
        }
    }

    static func json(_ offer: Offer, organisation: String, listing: JSONValue? = nil) throws -> JSONValue {
        var members: [String: JSONValue] = [
            "appId": .string(offer.appId), "host": .string(offer.hostId), "organisation": .string(organisation),
            "version": .string(offer.version.description), "state": .string(offer.state.rawValue),
            "offeredBy": .string(offer.offeredBy), "offeredAt": .string(Timestamp.format(offer.offeredAt)),
        ]
        if let gray = offer.gray { members["plan"] = try JSONValue.parse(try WireFormat.encoder().encode(gray)) }
        if let by = offer.decidedBy { members["decidedBy"] = .string(by) }
        if let at = offer.decidedAt { members["decidedAt"] = .string(Timestamp.format(at)) }
        if let reason = offer.reason { members["reason"] = .string(reason) }
        if let listing { members["listing"] = listing }
        return .object(members)
    }
}
