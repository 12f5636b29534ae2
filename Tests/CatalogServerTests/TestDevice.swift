import Catalog
import CatalogServer
import Foundation
import MiniSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A shell installation as the route tests play it: a device key, enrolment with the host key, then requests
/// with its token and acknowledgements signed with its key.
struct TestDevice {
    var key: SigningKey
    var id: String
    var token: String

    /// The status and problem of an enrolment (nil device when it was refused).
    static func enrol(
        _ base: URL, host: String, hostKey: String?, key: SigningKey = .generate(), signer: SigningKey? = nil,
        at date: Date = Date(), realAddress: String? = nil
    ) async throws -> (status: Int, json: JSONCursor, device: TestDevice?) {
        var envelope = DeviceEnrolment.signed(hostId: host, deviceKey: key, at: date)
        if let signer {
            envelope = SignedEnvelope.sign(
                payload: envelope.payload, payloadType: envelope.payloadType, with: [signer])
        }
        var request = URLRequest(url: base.appendingPathComponent("v1/hosts/\(host)/devices"))
        request.httpMethod = "POST"
        if let hostKey { request.setValue(hostKey, forHTTPHeaderField: "X-Host-Key") }
        if let realAddress { request.setValue(realAddress, forHTTPHeaderField: "X-Real-IP") }
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = envelope.wireJSON
        let reply = try await RouteTransport.send(request)
        let json = JSONCursor(try JSONValue.parse(reply.data))
        guard reply.status == 201 else { return (reply.status, json, nil) }
        let device = TestDevice(
            key: key, id: try json.require("deviceId").string(), token: try json.require("token").string())
        return (reply.status, json, device)
    }

    /// A device that must enrol.
    static func enrolled(_ base: URL, host: String = "mbank", hostKey: String) async throws -> TestDevice {
        let result = try await enrol(base, host: host, hostKey: hostKey)
        return try #require(result.device, "enrolment answered \(result.status)")
    }

    /// The catalog of a user of `host` as this device, with an assertion from ``TestUsers`` unless one is given.
    func catalog(
        _ base: URL, host: String = "mbank", user: String, assertion: String? = nil, query: String = ""
    ) async throws -> (Int, Data, [String: String]) {
        try await request(
            "GET", URL(string: base.absoluteString + "/v1/hosts/\(host)/catalog" + query)!,
            headers: ["Minicatalog-User-Assertion": assertion ?? TestUsers.assertion(host: host, user: user)])
    }

    /// A request as this device.
    func request(_ method: String, _ url: URL, body: Data? = nil, headers: [String: String] = [:]) async throws -> (
        Int, Data, [String: String]
    ) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let reply = try await RouteTransport.send(request)
        return (reply.status, reply.data, reply.headers)
    }

    /// An acknowledgement from this device, signed with its key (or with `signer`).
    func acknowledgement(
        host: String = "mbank", deviceId: String? = nil, sequence: UInt64 = 1, purged: [String] = [],
        installed: [Acknowledgement.InstalledPackage] = [], sentAt: Date = Date(), signer: SigningKey? = nil
    ) -> Data {
        let ack = Acknowledgement(
            hostId: host, deviceId: deviceId ?? id, userId: nil, catalogVersion: sequence, eventSequence: sequence,
            installed: installed, purged: purged, sentAt: sentAt)
        return SignedEnvelope.sign(
            payload: ack.wireJSON, payloadType: Acknowledgement.payloadType, with: [signer ?? key]
        ).wireJSON
    }

    /// Posts a signed acknowledgement; the status and the problem code, if any.
    func acknowledge(_ base: URL, _ body: Data, host: String = "mbank") async throws -> (Int, String?) {
        let (status, data, _) = try await request(
            "POST", base.appendingPathComponent("v1/hosts/\(host)/acks"), body: body)
        let code = (try? JSONValue.parse(data)).flatMap { try? JSONCursor($0).require("code").string() }
        return (status, code)
    }
}
