import Catalog
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import MiniKit

/// The API shells use, authenticated by their host key (`X-Host-Key`): the signed catalog for a user.
struct SyncRoutes {
    let store: any CatalogStore
    let keyring: ServerKeyring
    let clock: any CatalogClock
    /// How long a signed catalog is valid.
    let catalogLifetime: TimeInterval

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.get("hosts/:hostId/catalog") { request, context -> Response in
            let hostId = context.parameters.get("hostId") ?? ""
            try await authenticateHost(request, hostId)
            let query = request.uri.queryParameters
            guard let user = query.get("user"), (1...128).contains(user.count) else {
                throw ProblemError(
                    .badRequest, code: "invalid-query", detail: "?user=ID is required (1 to 128 characters)")
            }
            var properties: [String: String] = [:]
            for (key, value) in query where key.hasPrefix("p.") && key.count > 2 {
                guard properties.count < 32, value.count <= 256 else {
                    throw ProblemError(
                        .badRequest, code: "invalid-query",
                        detail: "at most 32 properties (p.NAME=VALUE) of at most 256 characters")
                }
                properties[String(key.dropFirst(2))] = String(value)
            }
            let grayContext = GrayContext(
                userId: user, sessionId: query.get("session"), appName: hostId, properties: properties)
            let envelope = try await signedCatalog(hostId: hostId, context: grayContext)
            let etag = "\"\(PackageStore.digest(envelope.payload).prefix(32))\""
            var headers = HTTPFields()
            headers[.eTag] = etag
            headers[.cacheControl] = "no-cache"
            if request.headers[.ifNoneMatch] == etag {
                return Response(status: .notModified, headers: headers)
            }
            let body = try WireFormat.encoder().encode(envelope)
            headers[.contentType] = "application/json"
            headers[.contentLength] = String(body.count)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    private func authenticateHost(_ request: Request, _ hostId: String) async throws {
        guard let key = request.headers[HTTPField.Name("X-Host-Key")!], key.count < 200 else {
            throw ProblemError(.unauthorized, code: "unauthorized", detail: "shells send their host key in X-Host-Key")
        }
        guard try await store.host(forKeyHash: APIToken.hash(key)) == hostId else {
            throw ProblemError(
                .unauthorized, code: "unauthorized", detail: "the host key is not the key of host app '\(hostId)'")
        }
        guard let host = try await store.hostApp(id: hostId), host.active else {
            throw ProblemError(.forbidden, code: "host-inactive", detail: "host app '\(hostId)' is deactivated")
        }
    }

    /// The catalog of one host for one user, signed. Issue and expiry times are aligned to a quarter of the
    /// lifetime, so an unchanged catalog signs to the same bytes (and ETag) for that long.
    func signedCatalog(hostId: String, context: GrayContext) async throws -> SignedEnvelope {
        let listings = try await store.listings(hostId: hostId).filter { [.full, .gray, .paused].contains($0.state) }
        let resolver = CatalogResolver(plans: listings.map(\.plan), clock: clock)
        var entries: [CatalogEntry] = []
        for listing in listings {
            guard let resolution = resolver.resolve(listing.appId, context: context), let version = resolution.version,
                let stored = try await store.version(appId: listing.appId, version: version),
                let program = try await store.miniProgram(id: listing.appId)
            else { continue }
            entries.append(
                CatalogEntry(
                    appId: program.id, name: program.name, category: program.category, version: version,
                    package: stored.version.package, grantedScopes: stored.version.scopes.map(\.scope),
                    grantedDomains: stored.version.domains, gray: resolution.isGray))
        }
        let state = try await store.hostState(hostId)
        let window = max(1, catalogLifetime / 4)
        let issuedAt = Date(timeIntervalSince1970: (clock.now().timeIntervalSince1970 / window).rounded(.down) * window)
        let snapshot = CatalogSnapshot(
            hostId: hostId, userId: context.userId ?? "", catalogVersion: state.catalogVersion,
            eventSequence: state.eventSequence,
            issuedAt: issuedAt, expiresAt: issuedAt.addingTimeInterval(catalogLifetime), entries: entries,
            tombstones: try await store.delistings(hostId: hostId))
        return try SignedEnvelope.sign(snapshot, with: [keyring.signingKey])
    }
}
