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

    /// Signs an event as it is committed (see ``CatalogStore/commit(_:event:version:reason:at:audit:expected:requireActiveHost:seal:)``).
    func seal(_ event: StoredEvent) throws -> EventSeal {
        let payload = CatalogEvent(
            hostId: event.hostId, sequence: event.sequence, catalogVersion: event.catalogVersion, issuedAt: event.at,
            expiresAt: event.at.addingTimeInterval(lifetime), kind: event.kind, appId: event.appId,
            version: event.version, reason: event.reason)
        let envelope = try SignedEnvelope.sign(payload, with: [keyring.signingKey])
        return EventSeal(
            keyId: keyring.signingKey.keyID.rawValue,
            envelope: String(decoding: try WireFormat.encoder().encode(envelope), as: UTF8.self))
    }

    /// An event signed at commit (by any replica) as a server-sent event; nil when another key signed it.
    func frame(sequence: UInt64, seal: EventSeal) -> EventFrame? {
        guard seal.keyId == keyring.signingKey.keyID.rawValue else { return nil }
        return Self.render(sequence: sequence, envelope: seal.envelope)
    }

    /// The event as a server-sent event: as signed at commit when this server's key signed it, signed now
    /// otherwise (an event stored before events were signed at commit, or before the key was rotated).
    func frame(_ event: StoredEvent) throws -> EventFrame {
        if let stored = event.seal, let frame = frame(sequence: event.sequence, seal: stored) { return frame }
        return Self.render(sequence: event.sequence, envelope: try seal(event).envelope)
    }

    private static func render(sequence: UInt64, envelope: String) -> EventFrame {
        EventFrame(
            sequence: sequence, bytes: ByteBuffer(string: "id: \(sequence)\nevent: catalog\ndata: \(envelope)\n\n"))
    }
}
