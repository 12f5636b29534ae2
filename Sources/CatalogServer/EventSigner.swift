import Catalog
import Foundation
import NIOCore

/// One catalog event, signed and rendered as a server-sent event, ready for every open stream of its host.
public struct EventFrame: Sendable {
    public var sequence: UInt64
    public var bytes: ByteBuffer

    public init(sequence: UInt64, bytes: ByteBuffer) {
        self.sequence = sequence
        self.bytes = bytes
    }
}

/// Signs stored catalog events with the server's key and renders them as server-sent events.
struct EventSigner: Sendable {
    let keyring: ServerKeyring
    /// How long a signed event is valid.
    let lifetime: TimeInterval

    func frame(_ event: StoredEvent) throws -> EventFrame {
        let payload = CatalogEvent(
            hostId: event.hostId, sequence: event.sequence, catalogVersion: event.catalogVersion, issuedAt: event.at,
            expiresAt: event.at.addingTimeInterval(lifetime), kind: event.kind, appId: event.appId,
            version: event.version, reason: event.reason)
        let envelope = try SignedEnvelope.sign(payload, with: [keyring.signingKey])
        let json = String(decoding: try WireFormat.encoder().encode(envelope), as: UTF8.self)
        return EventFrame(
            sequence: event.sequence,
            bytes: ByteBuffer(string: "id: \(event.sequence)\nevent: catalog\ndata: \(json)\n\n"))
    }
}
