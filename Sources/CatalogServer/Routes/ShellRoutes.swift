import Catalog
import CatalogAPI
import Foundation
import HTTPTypes
import Hummingbird
import MiniKit
import MiniSupport
import ServiceLifecycle

/// The rest of the shells' API: the event stream, packages by hash, acknowledgements.
struct ShellRoutes {
    let store: any CatalogStore
    let packages: PackageStore
    let hub: EventHub
    let cache: CatalogCache
    let clock: any CatalogClock
    let signer: EventSigner

    /// An acknowledgement is small: a thousand installed packages fit in it.
    static let maximumAcknowledgementSize = 128 * 1024

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.get("packages/:sha256") { request, context -> Response in
            let digest = context.parameters.get("sha256") ?? ""
            // Only what the caller may see; anything else is "no such package", so digests reveal nothing.
            let allowed: Bool
            if let account = context.account {
                if case .developer(let partner) = account.role {
                    allowed = try await store.packageOwners(sha256: digest).contains(partner)
                } else {
                    allowed = true  // reviewers, operations and admin see every upload
                }
            } else if let host = try await HostAuthentication.host(
                of: request, cache: cache, store: store, now: clock.now())
            {
                allowed = try await cache.host(host, store: store, clock: clock).packages.contains(digest)
            } else {
                throw ProblemError(.unauthorized, code: .unauthorized, detail: "send X-Host-Key or a bearer token")
            }
            guard allowed, let data = packages.get(digest) else { throw ProblemError.notFound("no package \(digest)") }
            var headers = HTTPFields()
            headers[.contentType] = "application/zip"
            headers[.contentLength] = String(data.count)
            headers[.cacheControl] = "public, max-age=31536000, immutable"
            headers[.eTag] = "\"\(digest)\""
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        group.post("hosts/:hostId/acks") { request, context -> Response in
            let hostId = context.parameters.get("hostId") ?? ""
            try await HostAuthentication.require(request, hostId: hostId, cache: cache, store: store, now: clock.now())
            var request = request
            let buffer: ByteBuffer
            do {
                buffer = try await request.collectBody(upTo: Self.maximumAcknowledgementSize)
            } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                throw ProblemError(
                    .contentTooLarge, code: .bodyTooLarge,
                    detail: "an acknowledgement is at most \(Self.maximumAcknowledgementSize / 1024) KiB")
            }
            let data = Data(buffer.readableBytesView)
            do {
                _ = try JSONValue.parse(data)  // one-pass, depth-limited check before Codable reads it
            } catch {
                throw ProblemError(.badRequest, code: .invalidBody, detail: "\(error)")
            }
            let ack: Acknowledgement
            do {
                ack = try WireFormat.decoder().decode(Acknowledgement.self, from: data)
            } catch {
                throw ProblemError(.badRequest, code: .invalidBody, detail: WireFormat.describe(error))
            }
            guard ack.hostId == hostId else {
                throw ProblemError(
                    .badRequest, code: .invalidBody,
                    detail: "$.hostId: the acknowledgement is for '\(ack.hostId)', posted to '\(hostId)'")
            }
            guard (1...128).contains(ack.shellId.count) else {
                throw ProblemError(.badRequest, code: .invalidBody, detail: "$.shellId: 1 to 128 characters")
            }
            guard ack.installed.count <= 1_000, ack.purged.count <= 1_000, (ack.userId?.count ?? 0) <= 128 else {
                throw ProblemError(
                    .badRequest, code: .invalidBody,
                    detail: "at most 1000 installed and 1000 purged mini-programs; a user id of at most 128 characters")
            }
            try await store.saveAcknowledgement(ack, receivedAt: clock.now())
            return Response(status: .noContent)
        }
        group.get("hosts/:hostId/events") { request, context -> Response in
            let hostId = context.parameters.get("hostId") ?? ""
            try await HostAuthentication.require(request, hostId: hostId, cache: cache, store: store, now: clock.now())
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
                            for await _ in wakeups {
                                let sent = try await send(hostId, after: last, to: &writer)
                                if sent == last { try await writer.write(ByteBuffer(string: ": heartbeat\n\n")) }
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
        var last = after
        while true {
            let events = try await store.events(hostId: hostId, after: last, limit: 500)
            for event in events {
                try await writer.write(try signer.frame(event).bytes)
                last = event.sequence
            }
            if events.count < 500 { return last }
        }
    }
}
