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
            let device = try context.requireDevice(of: hostId)
            let (assertion, trust) = try await userAssertion(request, hostId: hostId, deviceId: device.id)
            let user = assertion.userId
            let query = request.uri.queryParameters
            if let claimed = query.get("user"), claimed != user {
                throw ProblemError(
                    .badRequest, code: .invalidQuery,
                    detail: "user '\(claimed)' is not the user the assertion vouches for; leave ?user= out")
            }
            // The host backend's word first; the query adds only what the host lets its shells state.
            var properties = assertion.properties
            var ignored: [String] = []
            var stated = 0
            for (key, value) in query where key.hasPrefix("p.") && key.count > 2 {
                stated += 1
                guard stated <= 32, value.count <= 256 else {
                    throw ProblemError(
                        .badRequest, code: .invalidQuery,
                        detail: "at most 32 properties (p.NAME=VALUE) of at most 256 characters")
                }
                let name = String(key.dropFirst(2))
                if trust.clientProperties.contains(name), assertion.properties[name] == nil {
                    properties[name] = String(value)
                } else if !ignored.contains(name) {
                    ignored.append(name)
                }
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
                // Only a gray version needs the slower explained evaluation: QA sees why this user has it.
                if resolution.isGray {
                    entry.audience = host.resolver.explain(appId, context: grayContext)?.1.audience
                }
                return entry
            }
            let window = max(1, catalogLifetime / 4)
            let issuedAt = Date(
                timeIntervalSince1970: (clock.now().timeIntervalSince1970 / window).rounded(.down) * window)
            // The ETag names everything the payload holds and the key that signs it, so it is known before anything
            // is signed, and a rotated key sends every shell a catalog signed with the new key.
            let identity =
                "\(keyring.signingKey.keyID)|\(hostId)|\(host.catalogVersion)|\(host.eventSequence)|\(issuedAt.timeIntervalSince1970)|\(host.expiryGraceSeconds)|\(user)|\(host.brand.map { "\($0)" } ?? "")|"
                + resolved.map { "\($0.appId)@\($0.version)\($0.gray ? "g" : "")\($0.audience ?? "")" }.joined(
                    separator: ",")
            let etag = "\"\(PackageStore.digest(Data(identity.utf8)).prefix(32))\""
            var headers = HTTPFields()
            headers[.eTag] = etag
            if !ignored.isEmpty, let name = HTTPField.Name(CatalogAPI.ignoredPropertiesHeader) {
                headers[name] = ignored.sorted().joined(separator: ", ")
            }
            headers[.cacheControl] = "no-cache"
            if request.headers[.ifNoneMatch] == etag {
                return Response(status: .notModified, headers: headers)
            }
            let body: Data
            if let cached = await cache.body(etag) {
                body = cached
            } else {
                // The openIds follow from the user and the apps, which the ETag names: derived only for a body.
                let entries = resolved.map { entry in
                    var entry = entry
                    entry.openId = keyring.openId.derive(hostId: hostId, appId: entry.appId, userId: user)
                    return entry
                }
                let snapshot = CatalogSnapshot(
                    hostId: hostId, userId: user, catalogVersion: host.catalogVersion,
                    eventSequence: host.eventSequence,
                    issuedAt: issuedAt, expiresAt: issuedAt.addingTimeInterval(catalogLifetime), entries: entries,
                    tombstones: host.tombstones, expiryGraceSeconds: host.expiryGraceSeconds, brand: host.brand)
                body = try WireFormat.encoder().encode(try SignedEnvelope.sign(snapshot, with: [keyring.signingKey]))
                await cache.remember(body, for: etag)
            }
            headers[.contentType] = "application/json"
            headers[.contentLength] = String(body.count)
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// The verified user assertion the request carries, and the host's user trust; 401 without one.
    private func userAssertion(_ request: Request, hostId: String, deviceId: String) async throws -> (
        UserAssertion, UserTrust
    ) {
        let now = clock.now()
        let trust = try await cache.userTrust(of: hostId, store: store, now: now)
        guard let name = HTTPField.Name(CatalogAPI.userAssertionHeader), let value = request.headers[name] else {
            throw ProblemError(
                .unauthorized, code: .userAssertionRequired,
                detail:
                    "send the signed-in user's assertion from the host's backend in the \(CatalogAPI.userAssertionHeader) header"
            )
        }
        let hash = PackageStore.digest(Data((hostId + "\n" + value).utf8))
        let assertion: UserAssertion
        if let cached = await cache.verifiedAssertion(hash, now: now) {
            assertion = cached
        } else {
            guard let envelope = UserAssertion.envelope(headerValue: value) else {
                throw Self.invalidAssertion("the header is not base64 of a signed envelope")
            }
            do {
                assertion = try UserAssertion.verify(envelope, hostId: hostId, keys: trust.keys, clock: clock)
            } catch {
                let hint = trust.keys.isEmpty ? " (host app '\(hostId)' has no user-signing key registered)" : ""
                throw Self.invalidAssertion("\(error.description)\(hint)")
            }
            await cache.rememberAssertion(assertion, for: hash, trust: trust)
        }
        if let bound = assertion.deviceId, bound != deviceId {
            throw Self.invalidAssertion("the assertion is for device '\(bound)', not this one")
        }
        return (assertion, trust)
    }

    private static func invalidAssertion(_ detail: String) -> ProblemError {
        ProblemError(.unauthorized, code: .invalidUserAssertion, detail: "user assertion refused: \(detail)")
    }
}
