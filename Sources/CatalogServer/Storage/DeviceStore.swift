import Catalog
import Foundation

/// Enrolled devices and their verified acknowledgements: one aggregate of ``CatalogStore``, which both engines
/// implement.
public protocol DeviceStore: Sendable {
    /// Enrols a device with its host: a new device, a known key given a new token (the old one stops
    /// working), or — for a revoked device's key — nothing.
    func enrolDevice(id: String, hostId: String, publicKey: VerificationKey, tokenHash: String, at: Date)
        async throws -> EnrolmentResult
    /// The device a token belongs to (revoked ones too: the caller tells them apart).
    func device(forTokenHash hash: String) async throws -> Device?
    func device(id: String) async throws -> Device?
    /// The devices of one host, or of every host; by id.
    func devices(hostId: String?) async throws -> [Device]
    /// Revokes a device for good; false when there is no such device or it was revoked already.
    func revokeDevice(id: String, reason: String, at: Date, audit: AuditEntry?) async throws -> Bool
    /// Records that a device was seen.
    func touchDevice(id: String, at: Date) async throws
    /// Keeps a device's verified acknowledgement (the latest per device) and marks the device seen.
    func saveAcknowledgement(_ ack: Acknowledgement, receivedAt: Date) async throws
    /// The latest verified acknowledgement of a device.
    func acknowledgement(deviceId: String) async throws -> Acknowledgement?
    /// The latest acknowledgement of every device of a host that is not revoked, by device id.
    func acknowledgements(hostId: String) async throws -> [String: (ack: Acknowledgement, receivedAt: Date)]
}
