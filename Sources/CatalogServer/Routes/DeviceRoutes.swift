import Catalog
import CatalogAPI
import Foundation
import HTTPTypes
import Hummingbird
import MiniSupport

/// Device enrolment (the host key's only use), and the devices operations list and revoke.
struct DeviceRoutes {
    let store: any CatalogStore
    let cache: CatalogCache
    let clock: any CatalogClock
    let limits: EnrolmentLimits
    let trustedProxies: Set<String>

    /// A signed enrolment is a few hundred bytes.
    static let maximumEnrolmentSize = 16 * 1024

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.post("hosts/:hostId/devices") { request, context -> Response in
            let hostId = context.parameters.get("hostId") ?? ""
            let now = clock.now()
            try await HostAuthentication.require(request, hostId: hostId, cache: cache, store: store, now: now)
            let address = context.clientAddress(request, trusting: trustedProxies)
            if let wait = await limits.admit(host: hostId, address: address, at: now) {
                throw ProblemError.rateLimited("enrolments", retryAfter: wait)
            }
            var request = request
            let envelope = try await SignedBody.envelope(&request, limit: Self.maximumEnrolmentSize)
            let enrolment: DeviceEnrolment
            do throws(EnvelopeVerificationError) {
                enrolment = try DeviceEnrolment.verify(envelope, hostId: hostId, clock: clock)
            } catch {
                throw SignedBody.problem(error, what: "enrolment")
            }
            let publicKey = try VerificationKey(base64: enrolment.publicKey)
            let token = DeviceToken.generate()
            switch try await store.enrolDevice(
                id: Device.newID(), hostId: hostId, publicKey: publicKey, tokenHash: APIToken.hash(token), at: now)
            {
            case .enrolled(let device):
                await cache.forgetDevice(device.id)
                return JSONResponse.make(
                    .object(["deviceId": .string(device.id), "hostId": .string(hostId), "token": .string(token)]),
                    status: .created)
            case .revoked(let device):
                throw ProblemError(
                    .forbidden, code: .deviceRevoked,
                    detail: "this key belongs to device '\(device.id)', which operations revoked; it stays revoked")
            }
        }
        group.get("devices") { request, context -> Response in
            let visible = try await context.operatedHosts(store, to: "list devices")
            let host = request.uri.queryParameters.get("host").map { String($0) }
            if let host, let visible, !visible.contains(host) { throw ProblemError.notFound("no host app '\(host)'") }
            let devices = try await store.devices(hostId: host).filter { visible?.contains($0.hostId) ?? true }
            return JSONResponse.make(.object(["devices": .array(devices.map(Self.json))]))
        }
        group.post("devices/:deviceId/revoke") { request, context -> Response in
            _ = try context.requireOperatorOrHostops(to: "revoke devices")
            let id = context.parameters.get("deviceId") ?? ""
            var request = request
            let reason = try RequestBody.read(try await RequestBody.json(&request), ReasonRequest.init(json:)).reason
            guard let device = try await store.device(id: id),
                let host = try await store.hostApp(id: device.hostId)
            else { throw ProblemError.notFound("no device \(id)") }
            let account: Account
            do {
                account = try context.requireHostManager(host, to: "revoke devices")
            } catch let problem as ProblemError where problem.status == .notFound {
                throw ProblemError.notFound("no device \(id)")  // another organisation's: not revealed
            }
            guard !device.isRevoked else {
                throw ProblemError(.conflict, code: .illegalTransition, detail: "device '\(id)' is revoked already")
            }
            let now = clock.now()
            _ = try await store.revokeDevice(
                id: id, reason: reason, at: now,
                audit: AuditEntry(
                    at: now, actor: account.id, action: "device.revoke", target: id, reason: reason,
                    organisation: host.organisation))
            await cache.forgetDevice(id)
            guard let revoked = try await store.device(id: id) else { throw ProblemError.notFound("no device \(id)") }
            return JSONResponse.make(Self.json(revoked))
        }
    }

    static func json(_ device: Device) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(device.id), "hostId": .string(device.hostId),
            "keyid": .string(device.publicKey.keyID.rawValue),
            "enrolledAt": .string(Timestamp.format(device.enrolledAt)),
            "lastSeen": .string(Timestamp.format(device.lastSeen)),
        ]
        if let revoked = device.revokedAt { members["revokedAt"] = .string(Timestamp.format(revoked)) }
        if let reason = device.revokeReason { members["revokeReason"] = .string(reason) }
        return .object(members)
    }
}

/// Reading a signed request body (an enrolment, an acknowledgement) and wording why one is refused.
enum SignedBody {
    static func envelope(_ request: inout Request, limit: Int) async throws -> SignedEnvelope {
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw ProblemError(.contentTooLarge, code: .bodyTooLarge, detail: "the body is over \(limit / 1024) KiB")
        }
        do {
            return try SignedEnvelope(wire: Data(buffer.readableBytesView))
        } catch {
            throw ProblemError(.badRequest, code: .invalidBody, detail: "not a signed envelope: \(error)")
        }
    }

    /// The problem for a signed body the verifier refused.
    static func problem(_ error: EnvelopeVerificationError, what: String) -> ProblemError {
        switch error.code {
        case "malformed-payload", "host-mismatch", "payload-type-mismatch":
            return ProblemError(.badRequest, code: .invalidBody, detail: "the \(what): \(error)")
        case "rollback", "issued-in-future", "expired":
            return ProblemError(.conflict, code: .staleSignature, detail: "the \(what) is stale: \(error)")
        default:
            return ProblemError(.unauthorized, code: .invalidSignature, detail: "the \(what): \(error)")
        }
    }
}
