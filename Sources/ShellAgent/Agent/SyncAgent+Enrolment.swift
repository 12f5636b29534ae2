import Catalog
import CatalogAPI
import Foundation
import MiniSupport

/// Enrolment: the host key is presented once, with the device's public key, and buys a device id and token;
/// every other request is made as the device.
extension SyncAgent {
    /// Why a request could not be made as the device.
    enum DeviceUnavailable: Error {
        /// Operations revoked this device: the shell stops asking.
        case revoked(String)
        /// Enrolment failed (offline, refused); the reason.
        case failed(String)
    }

    /// The device token, enrolling first when there is none.
    func deviceToken() async throws(DeviceUnavailable) -> String {
        if let revoked = revokedReason { throw .revoked(revoked) }
        if let credential = try? store.deviceCredential(host: configuration.hostId) { return credential.token }
        return try await enrol()
    }

    /// Sends a request as the device. A token the server no longer knows is dropped and the device enrols
    /// again, once; a revoked device stops (a 403 that says so).
    func sendAsDevice(_ build: (String) -> HTTPRequest) async throws(TransportError) -> HTTPReply {
        var reply = try await transport.send(build(try await tokenForRequest()))
        if reply.status == 401, Self.problemCode(reply.body) == ProblemCode.unknownDevice.rawValue {
            try? store.forgetDeviceCredential(host: configuration.hostId)
            reply = try await transport.send(build(try await tokenForRequest()))
        }
        if reply.status == 403, Self.problemCode(reply.body) == ProblemCode.deviceRevoked.rawValue {
            deviceRevoked(Self.detail(reply.body))
        }
        return reply
    }

    /// The device token, or the transport error that stands for not having one.
    func tokenForRequest() async throws(TransportError) -> String {
        do {
            return try await deviceToken()
        } catch {
            switch error {
            case .revoked(let reason): throw .status(403, reason)
            case .failed(let reason): throw .unreachable(reason)
            }
        }
    }

    func deviceRevoked(_ reason: String) {
        guard revokedReason == nil else { return }
        revokedReason = reason
        refuse("device", "device-revoked", reason)
    }

    private func enrol() async throws(DeviceUnavailable) -> String {
        let host = configuration.hostId
        let envelope = DeviceEnrolment.signed(hostId: host, deviceKey: deviceKey, at: clock.now())
        let reply: HTTPReply
        do {
            reply = try await transport.send(
                HTTPRequest(
                    method: "POST", url: configuration.server + CatalogAPI.enrol.path(["hostId": host]),
                    headers: [("X-Host-Key", configuration.hostKey), ("Content-Type", "application/json")],
                    body: envelope.wireJSON))
        } catch {
            throw .failed("cannot enrol: \(error)")
        }
        if reply.status == 403, Self.problemCode(reply.body) == ProblemCode.deviceRevoked.rawValue {
            deviceRevoked(Self.detail(reply.body))
            throw .revoked(Self.detail(reply.body))
        }
        guard reply.status == 201, let json = try? JSONCursor(JSONValue.parse(reply.body)),
            let deviceId = try? json.require("deviceId").string(), let token = try? json.require("token").string()
        else {
            throw .failed("enrolment was answered \(reply.status): \(Self.detail(reply.body))")
        }
        do {
            try store.saveDeviceCredential(host: host, deviceId: deviceId, token: token)
        } catch {
            throw .failed("cannot keep the device token: \(error)")
        }
        emit(.enrolled(deviceId: deviceId))
        return token
    }

    /// The enrolled device id, if enrolment happened.
    public var deviceId: String? { try? store.deviceCredential(host: configuration.hostId)?.deviceId }

    /// The `code` of a problem document, if the body is one.
    static func problemCode(_ body: Data) -> String? {
        guard let json = try? JSONCursor(JSONValue.parse(body)) else { return nil }
        return try? json.require("code").string()
    }
}
