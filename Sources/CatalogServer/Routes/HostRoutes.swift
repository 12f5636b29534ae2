import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import MiniKit
import MiniSupport

/// `/v1/hosts`: the host apps that list mini-programs (ops create, deactivate, activate them, replace their
/// keys and set whom they believe about their users), and `/v1/audit`. A `hostops` account sees and manages its
/// own organisation's hosts only, and reads only the audit entries about them.
struct HostRoutes {
    let store: any CatalogStore
    let clock: any CatalogClock
    let changes: ListingChanges

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.get("hosts") { _, context -> Response in
            let visible = try await context.visibleHosts(store)
            let hosts = try await store.hostApps().filter { visible?.contains($0.id) ?? true }
            return JSONResponse.make(.object(["hosts": .array(hosts.map(Self.json))]))
        }
        group.get("hosts/:hostId") { _, context -> Response in
            JSONResponse.make(Self.json(try await context.visibleHost(store)))
        }
        group.post("hosts") { request, context -> Response in
            let account = try context.requireOperatorOrHostops(to: "create host apps")
            var request = request
            let body = try await RequestBody.json(&request)
            var host = try RequestBody.read(body, Self.hostApp)
            let named = try RequestBody.read(body) { json throws(JSONPathError) in
                try json.field("organisation")?.string()
            }
            try await check(&host, named: named, by: account)
            // The host key is the shells' credential: shown once here, stored only as a hash.
            let key = Self.newHostKey()
            guard
                try await store.createHostApp(
                    host, keyHash: APIToken.hash(key),
                    audit: AuditEntry(
                        at: clock.now(), actor: account.id, action: "host.create", target: host.id,
                        organisation: host.organisation))
            else {
                throw ProblemError(.conflict, code: .hostExists, detail: "host app '\(host.id)' exists already")
            }
            guard case .object(var members) = Self.json(host) else { return JSONResponse.make(.null) }
            members["hostKey"] = .string(key)
            return JSONResponse.make(.object(members), status: .created)
        }
        group.post("hosts/:hostId/deactivate") { request, context -> Response in
            let account = try context.requireOperator(to: "deactivate host apps")
            var request = request
            let body = try await RequestBody.json(&request)
            let reason = try RequestBody.read(body, ReasonRequest.init(json:)).reason
            let host = try await requireHost(context)
            let listed = try await store.listings(hostId: host.id).filter { $0.state.isListed }
            // Deactivating an inactive host again finishes a deactivation that was cut off; otherwise it is a 409.
            guard host.active || !listed.isEmpty else {
                throw ListingChanges.conflict("host app '\(host.id)' is deactivated already")
            }
            var deactivated = host
            deactivated.active = false
            // Inactive first, so no release can start while its listings are delisted one by one (a release
            // that read the host as active fails its commit: the commit re-checks in its transaction).
            _ = try await store.setHostActive(
                hostId: host.id, active: false,
                audit: AuditEntry(
                    at: clock.now(), actor: account.id, action: "host.deactivate", target: host.id, reason: reason,
                    organisation: host.organisation))
            let why = "host app deactivated: \(reason)"
            var delisted: [JSONValue] = []
            for listing in listed {
                do {
                    let (result, event) = try await changes.apply(
                        .delist(reason: why), appId: listing.appId, hostId: host.id, reason: why, by: account.id)
                    delisted.append(try ReleaseRoutes.json(result, eventSequence: event.sequence))
                } catch let problem as ProblemError where problem.status == .conflict {
                    continue  // someone delisted it meanwhile: what matters is that it is not listed
                }
            }
            return JSONResponse.make(.object(["host": Self.json(deactivated), "delisted": .array(delisted)]))
        }
        group.post("hosts/:hostId/activate") { _, context -> Response in
            let account = try context.requireOperator(to: "activate host apps")
            let host = try await requireHost(context)
            guard !host.active else { throw ListingChanges.conflict("host app '\(host.id)' is active already") }
            _ = try await store.setHostActive(
                hostId: host.id, active: true,
                audit: AuditEntry(
                    at: clock.now(), actor: account.id, action: "host.activate", target: host.id,
                    organisation: host.organisation))
            return JSONResponse.make(Self.json(try await requireHost(context)))
        }
        group.post("hosts/:hostId/rotate-key") { _, context -> Response in
            let host = try await requireHost(context)
            let account = try context.requireHostManager(host, to: "replace host keys")
            let key = Self.newHostKey()
            try await store.setHostKey(
                hostId: host.id, hash: APIToken.hash(key),
                audit: AuditEntry(
                    at: clock.now(), actor: account.id, action: "host.rotate-key", target: host.id,
                    organisation: host.organisation))
            await changes.cache.forgetKeys(of: host.id)
            return JSONResponse.make(.object(["host": .string(host.id), "hostKey": .string(key)]))
        }
        group.post("hosts/:hostId/user-trust") { request, context -> Response in
            let host = try await requireHost(context)
            let account = try context.requireHostManager(host, to: "set whom host apps believe about their users")
            var request = request
            let body = try await RequestBody.json(&request)
            let trust = try RequestBody.read(body, HostUserTrust.init(json:))
            _ = try await store.setUserTrust(
                hostId: host.id, userKeys: trust.userKeys, clientProperties: trust.clientProperties,
                audit: AuditEntry(
                    at: clock.now(), actor: account.id, action: "host.user-trust", target: host.id,
                    reason: "\(trust.userKeys.count) user key(s); client properties: "
                        + (trust.clientProperties.isEmpty ? "none" : trust.clientProperties.joined(separator: ", ")),
                    organisation: host.organisation))
            await changes.cache.forgetUserTrust(of: host.id)
            return JSONResponse.make(Self.json(try await requireHost(context)))
        }
        group.post("hosts/:hostId/brand") { request, context -> Response in
            let host = try await requireHost(context)
            let account = try context.requireHostManager(host, to: "set how host apps present themselves")
            var request = request
            let brand = try RequestBody.read(try await RequestBody.json(&request), HostBrandRequest.init(json:)).brand
            _ = try await store.setBrand(
                hostId: host.id, brand: brand,
                audit: AuditEntry(
                    at: clock.now(), actor: account.id, action: "host.brand", target: host.id,
                    reason: "\(brand.title), \(brand.accent.rawValue), \(brand.services)",
                    organisation: host.organisation))
            // Its shells get the brand with their next catalog (the catalog's ETag names it).
            await changes.cache.invalidate(host.id)
            return JSONResponse.make(Self.json(try await requireHost(context)))
        }
        group.get("audit") { request, context -> Response in
            let organisation = try context.requireOperatorOrHostops(to: "read the audit log").role.hostOrganisation
            let limit = try RequestQuery.limit(request.uri.queryParameters.get("limit"))
            let entries = try await store.auditLog(limit: limit, organisation: organisation).map {
                entry -> JSONValue in
                var members: [String: JSONValue] = [
                    "at": .string(Timestamp.format(entry.at)), "actor": .string(entry.actor),
                    "action": .string(entry.action),
                    "target": .string(entry.target),
                ]
                if let reason = entry.reason { members["reason"] = .string(reason) }
                if let organisation = entry.organisation { members["organisation"] = .string(organisation) }
                return .object(members)
            }
            return JSONResponse.make(.object(["entries": .array(entries)]))
        }
    }

    private func requireHost(_ context: CatalogRequestContext) async throws -> HostApp {
        let id = context.parameters.get("hostId") ?? ""
        guard let host = try await store.hostApp(id: id) else { throw ProblemError.notFound("no host app '\(id)'") }
        return host
    }

    /// The organisation of a host `account` creates: operators create for any organisation (the bank's when the
    /// body names none), a `hostops` account for its own only (its own when the body names none). The
    /// organisation must exist.
    private func check(_ host: inout HostApp, named: String?, by account: Account) async throws {
        if let own = account.role.hostOrganisation {
            host.organisation = named ?? own
            guard host.organisation == own else {
                throw ProblemError(
                    .forbidden, code: .forbidden,
                    detail: "'\(account.id)' creates host apps for \(own) only, not for \(host.organisation)")
            }
        }
        guard try await store.organisations().contains(where: { $0.id == host.organisation }) else {
            throw ProblemError(
                .unprocessableContent, code: .unknownOrganisation,
                detail: "$.organisation: no organisation '\(host.organisation)' (minictl org list shows them)")
        }
    }

    /// A new host key: shown once, stored only as a hash.
    static func newHostKey() -> String { "mhk_" + APIToken.generate().dropFirst(4) }

    /// A host app from the body of `POST /v1/hosts` (``HostCreate``) or a seed file's `hosts` item.
    static func hostApp(_ json: JSONCursor) throws(JSONPathError) -> HostApp {
        let body = try HostCreate(json: json)
        return HostApp(
            id: body.id, name: body.name, minimumShellVersion: body.minimumShellVersion, active: body.active,
            expiryGraceSeconds: body.expiryGraceSeconds, userKeys: body.userTrust.userKeys,
            clientProperties: body.userTrust.clientProperties, brand: body.brand,
            organisation: body.organisation ?? Organisation.bankId)
    }

    static func json(_ host: HostApp) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(host.id), "name": .string(host.name), "active": .bool(host.active),
            "organisation": .string(host.organisation),
            "expiryGraceSeconds": .number(Double(host.expiryGraceSeconds)),
            "userKeys": .array(host.userKeys.map(JSONValue.string)),
            "clientProperties": .array(host.clientProperties.map(JSONValue.string)),
        ]
        if let minimum = host.minimumShellVersion { members["minimumShellVersion"] = .string(minimum.description) }
        if let brand = host.brand { members["brand"] = HostBrandRequest(brand).jsonValue }
        return .object(members)
    }
}
