import Catalog
import CatalogAPI
import Foundation
import HTTPTypes
import Hummingbird
import MiniKit

/// The API shells use, authenticated as an enrolled device: the signed catalog for a user.
struct SyncRoutes {
    let store: any CatalogStore
    let keyring: ServerKeyring
    let clock: any CatalogClock
    /// How long a signed catalog is valid.
    let catalogLifetime: TimeInterval
    let cache: CatalogCache

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.get("hosts/:hostId/catalog") { request, context -> Response in
            let hostId = context.parameters.get("hostId") ?? ""
            _ = try context.requireDevice(of: hostId)
            let query = request.uri.queryParameters
            guard let user = query.get("user"), (1...128).contains(user.count) else {
                throw ProblemError(
                    .badRequest, code: .invalidQuery, detail: "?user=ID is required (1 to 128 characters)")
            }
            var properties: [String: String] = [:]
            for (key, value) in query where key.hasPrefix("p.") && key.count > 2 {
                guard properties.count < 32, value.count <= 256 else {
                    throw ProblemError(
                        .badRequest, code: .invalidQuery,
                        detail: "at most 32 properties (p.NAME=VALUE) of at most 256 characters")
                }
                properties[String(key.dropFirst(2))] = String(value)
            }
            let grayContext = GrayContext(
                userId: user, sessionId: query.get("session"), appName: hostId, properties: properties)
            let host = try await cache.host(hostId, store: store, clock: clock)
            let resolved = host.appIds.compactMap { appId -> CatalogEntry? in
                guard let resolution = host.resolver.resolve(appId, context: grayContext),
                    let version = resolution.version,
                    var entry = host.entries[appId]?[version]
                else { return nil }
                entry.gray = resolution.isGray
                return entry
            }
            let window = max(1, catalogLifetime / 4)
            let issuedAt = Date(
                timeIntervalSince1970: (clock.now().timeIntervalSince1970 / window).rounded(.down) * window)
            // The ETag names everything the payload holds, so it is known before anything is signed.
            let identity =
                "\(hostId)|\(host.catalogVersion)|\(host.eventSequence)|\(issuedAt.timeIntervalSince1970)|\(host.expiryGraceSeconds)|\(user)|"
                + resolved.map { "\($0.appId)@\($0.version)\($0.gray ? "g" : "")" }.joined(separator: ",")
            let etag = "\"\(PackageStore.digest(Data(identity.utf8)).prefix(32))\""
            var headers = HTTPFields()
            headers[.eTag] = etag
            headers[.cacheControl] = "no-cache"
            if request.headers[.ifNoneMatch] == etag {
                return Response(status: .notModified, headers: headers)
            }
            let body: Data
            if let cached = await cache.body(etag) {
                body = cached
            } else {
                let snapshot = CatalogSnapshot(
                    hostId: hostId, userId: user, catalogVersion: host.catalogVersion,
                    eventSequence: host.eventSequence,
                    issuedAt: issuedAt, expiresAt: issuedAt.addingTimeInterval(catalogLifetime), entries: resolved,
                    tombstones: host.tombstones, expiryGraceSeconds: host.expiryGraceSeconds)
                body = try WireFormat.encoder().encode(try SignedEnvelope.sign(snapshot, with: [keyring.signingKey]))
                await cache.remember(body, for: etag)
            }
            headers[.contentType] = "application/json"
            headers[.contentLength] = String(body.count)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
