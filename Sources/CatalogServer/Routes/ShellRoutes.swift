import Catalog
import CatalogAPI
import Foundation
import HTTPTypes
import Hummingbird
import MiniKit
import MiniSupport
import ServiceLifecycle

/// The rest of the shells' API, each call authenticated as an enrolled device: the event stream, packages by
/// hash, signed acknowledgements.
struct ShellRoutes {
    let store: any CatalogStore
    let packages: PackageStore
    let hub: EventHub
    let cache: CatalogCache
    let clock: any CatalogClock
    let signer: EventSigner

    /// An acknowledgement is small: a thousand installed packages fit in it.
    static let maximumAcknowledgementSize = 256 * 1024

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.get("packages/:sha256") { request, context -> Response in
            let digest = context.parameters.get("sha256") ?? ""
            // Only what the caller may see; anything else is "no such package", so digests reveal nothing.
            let allowed: Bool
            if let account = context.account {
                if case .developer(let partner) = account.role {
                    allowed = try await store.packageOwners(sha256: digest).contains(partner)
                } else if let hosts = try await context.visibleHosts(store) {
                    // A host organisation sees the packages its own hosts list, and no other upload.
                    var listed = false
                    for host in hosts where !listed {
                        listed = try await cache.host(host, store: store, clock: clock).packages.contains(digest)
                    }
                    allowed = listed
                } else {
                    allowed = true  // reviewers, operations and admin see every upload
                }
            } else if let device = context.device {
                allowed = try await cache.host(device.hostId, store: store, clock: clock).packages.contains(digest)
            } else {
                throw ProblemError(
                    .unauthorized, code: .unauthorized, detail: "send an account's or an enrolled device's bearer token"
                )
            }
            guard allowed, let data = try await packages.get(digest) else {
                throw ProblemError.notFound("no package \(digest)")
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/zip"
            headers[.contentLength] = String(data.count)
            headers[.cacheControl] = "public, max-age=31536000, immutable"
            headers[.eTag] = "\"\(digest)\""
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        group.post("hosts/:hostId/acks") { request, context -> Response in
            let hostId = context.parameters.get("hostId") ?? ""
            let device = try context.requireDevice(of: hostId)
            var request = request
            let envelope = try await SignedBody.envelope(&request, limit: Self.maximumAcknowledgementSize)
            // Signed by this device's key, for this host, fresh, and not older than the last one accepted.
            let last = try await store.acknowledgement(deviceId: device.id)
            let ack: Acknowledgement
            do throws(EnvelopeVerificationError) {
                ack = try EnvelopeVerifier(
                    policy: VerificationPolicy(
                        trustedKeys: [device.publicKey], hostId: hostId, userId: nil,
                        lastAcceptedVersion: last.map { _ in 0 }, lastAcceptedIssuedAt: last?.sentAt),
                    clock: clock
                ).verify(envelope, as: Acknowledgement.self)
            } catch {
                throw SignedBody.problem(error, what: "acknowledgement")
            }
            guard ack.deviceId == device.id else {
                throw ProblemError(
                    .badRequest, code: .invalidBody,
                    detail:
                        "$.deviceId: the acknowledgement names '\(ack.deviceId)', the token is device '\(device.id)'")
            }
            try await store.saveAcknowledgement(ack, receivedAt: clock.now())
            return Response(status: .noContent)
        }
        group.get("hosts/:hostId/events") { request, context -> Response in
            let hostId = context.parameters.get("hostId") ?? ""
            _ = try context.requireDevice(of: hostId)
            let position =
                request.uri.queryParameters.get("after").map { String($0) }
                ?? request.headers[HTTPField.Name("Last-Event-ID")!] ?? "0"
            guard let after = UInt64(position) else {
                throw ProblemError(
                    .badRequest, code: .invalidQuery,
                    detail: "after (or Last-Event-ID) is an event sequence number, not '\(position.prefix(40))'")
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-store"
            let (id, wakeups) = await hub.subscribe(hostId)
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    var last = after
                    do {
                        try await writer.write(ByteBuffer(string: ": catalogd events for \(hostId) after \(after)\n\n"))
                        last = try await send(hostId, after: last, to: &writer)
                        // On graceful shutdown the server waits for open requests: end this stream then.
                        try await withGracefulShutdownHandler {
                            for await wake in wakeups {
                                // The usual case: the next event, signed once for every stream, sent as it is.
                                if case .frame(let frame) = wake, frame.sequence == last + 1 {
                                    try await writer.write(frame.bytes)
                                    last = frame.sequence
                                    continue
                                }
                                let sent = try await send(hostId, after: last, to: &writer)
                                if sent == last, case .check = wake {
                                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                                }
                                last = sent
                            }
                        } onGracefulShutdown: {
                            Task { await hub.unsubscribe(hostId, id) }
                        }
                    } catch {
                        // The shell went away: a failed write ends the stream.
                    }
                    await hub.unsubscribe(hostId, id)
                    try? await writer.finish(nil)
                })
        }
    }

    /// Sends every event after `after` as a signed envelope; returns the last sequence sent. Recent events
    /// come from the hub (signed once for every stream); older ones from the store.
    private func send(_ hostId: String, after: UInt64, to writer: inout some ResponseBodyWriter) async throws -> UInt64
    {
        if let frames = await hub.frames(hostId, after: after) {
            for frame in frames { try await writer.write(frame.bytes) }
            return frames.last?.sequence ?? after
        }
        return try await store.forEachEvent(hostId: hostId, after: after) { event in
            try await writer.write(try signer.frame(event).bytes)
        }
    }
}
