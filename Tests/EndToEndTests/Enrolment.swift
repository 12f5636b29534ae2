import Catalog
import Foundation
import MiniSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Enrolling a device with a running catalogd, as a shell does: the host key and a signed proof of a new key.
enum Enrolment {
    /// The status and body of an enrolment with `hostKey`.
    static func enrol(base: URL, host: String, hostKey: String) async throws -> (status: Int, body: JSONCursor?) {
        var request = URLRequest(url: base.appendingPathComponent("v1/hosts/\(host)/devices"))
        request.httpMethod = "POST"
        request.setValue(hostKey, forHTTPHeaderField: "X-Host-Key")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = DeviceEnrolment.signed(hostId: host, deviceKey: .generate(), at: Date()).wireJSON
        let (body, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONValue.parse(body)).map { JSONCursor($0) })
    }

    /// A new device's bearer token.
    static func token(base: URL, host: String, hostKey: String) async throws -> String {
        let (status, body) = try await enrol(base: base, host: host, hostKey: hostKey)
        guard status == 201, let token = try body?.require("token").string() else {
            throw URLError(.userAuthenticationRequired)
        }
        return token
    }

    /// A user assertion header value signed with the user key a seed wrote for `host` into `data`.
    static func userAssertion(data: URL, host: String, user: String, properties: [String: String] = [:]) throws
        -> String
    {
        let key = try KeyFiles.readSigningKey(at: data.appendingPathComponent("user-keys/\(host).key"))
        return UserAssertion.headerValue(
            UserAssertion.issue(
                hostId: host, userId: user, properties: properties, at: Date(), lifetime: 600, key: key))
    }
}
