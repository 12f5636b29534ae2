import Catalog
import CatalogServer
import Foundation
import MiniSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `/v1/hosts` and `/v1/audit` through the router: authentication, roles, bodies, and what lands in the store.
struct HostRoutesTests {
    struct Reply {
        var status: Int
        var json: JSONCursor
    }

    static func call(_ method: String, _ url: URL, token: String?, body: String? = nil) async throws -> Reply {
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let reply = try await RouteTransport.send(request)
        return Reply(status: reply.status, json: JSONCursor(try JSONValue.parse(reply.data)))
    }

    static func account(_ store: SQLiteCatalogStore, _ id: String, _ role: String) async throws -> String {
        let token = APIToken.generate()
        try await store.createAccount(
            Account(id: id, name: id, role: Role(role)!), tokenHash: APIToken.hash(token), at: Date())
        return token
    }

    @Test("the authorisation matrix of host routes")
    func authorisation() async throws {
        try await HealthRouteTests.withServer { base, store in
            let ops = try await Self.account(store, "ops-1", "ops")
            let developer = try await Self.account(store, "dev-1", "developer:carins")
            let hosts = base.appendingPathComponent("v1/hosts")
            let body =
                #"{"id": "mbank", "name": "Mobile banking", "minimumShellVersion": "7.2.0", "expiryGraceSeconds": 600}"#

            let anonymous = try await Self.call("GET", hosts, token: nil)
            #expect(anonymous.status == 401)
            #expect(try anonymous.json.require("code").string() == "unauthorized")
            #expect(try await Self.call("GET", hosts, token: "mct_forged").status == 401)
            let forbidden = try await Self.call("POST", hosts, token: developer, body: body)
            #expect(forbidden.status == 403)
            #expect(try forbidden.json.require("detail").string().contains("'dev-1' is developer:carins"))
            #expect(try await store.hostApps().isEmpty, "a refused request changes nothing")

            let created = try await Self.call("POST", hosts, token: ops, body: body)
            #expect(created.status == 201)
            #expect(try created.json.require("minimumShellVersion").string() == "7.2.0")
            #expect(try await Self.call("POST", hosts, token: ops, body: body).status == 409)
            let listed = try await Self.call("GET", hosts, token: developer)
            #expect(listed.status == 200)
            #expect(try listed.json.require("hosts").array().count == 1)
            #expect(try await Self.call("GET", hosts.appendingPathComponent("mbank"), token: developer).status == 200)
            #expect(try await Self.call("GET", hosts.appendingPathComponent("kiosk"), token: developer).status == 404)

            let audit = base.appendingPathComponent("v1/audit")
            #expect(try await Self.call("GET", audit, token: developer).status == 403)
            let entries = try await Self.call("GET", audit, token: ops)
            let first = try entries.json.require("entries").array().first
            #expect(try first?.require("action").string() == "host.create")
            #expect(try first?.require("actor").string() == "ops-1")
        }
    }

    @Test(
        "bad bodies are refused with the JSON path and nothing is stored",
        arguments: [
            (#"{"id": "mbank"}"#, "$: missing required field 'name'"),
            (#"{"id": "MBank!", "name": "x"}"#, "$.id: a host id is 2 to 64 lowercase letters"),
            (#"{"id": "mbank", "name": "x", "colour": "red"}"#, "$.colour: unknown field 'colour'"),
            (
                #"{"id": "mbank", "name": "x", "minimumShellVersion": "v7"}"#,
                "$.minimumShellVersion: not a semantic version"
            ),
            (
                #"{"id": "mbank", "name": "x", "expiryGraceSeconds": -1}"#,
                "$.expiryGraceSeconds: the grace is 0 to 604800"
            ),
            ("{\"id\": ", "not valid JSON"),
        ])
    func badBodies(_ body: String, _ detail: String) async throws {
        try await HealthRouteTests.withServer { base, store in
            let ops = try await Self.account(store, "ops-1", "ops")
            let reply = try await Self.call("POST", base.appendingPathComponent("v1/hosts"), token: ops, body: body)
            #expect(reply.status == 400)
            #expect(try reply.json.require("code").string() == "invalid-body")
            let message = try reply.json.require("detail").string()
            #expect(message.contains(detail), "\(message)")
            #expect(try await store.hostApps().isEmpty)
        }
    }

    @Test("a body over the limit is refused with 413")
    func tooLarge() async throws {
        try await HealthRouteTests.withServer { base, store in
            let ops = try await Self.account(store, "ops-1", "ops")
            let huge = "{\"id\": \"mbank\", \"name\": \"" + String(repeating: "x", count: 300 * 1024) + "\"}"
            let reply = try await Self.call("POST", base.appendingPathComponent("v1/hosts"), token: ops, body: huge)
            #expect(reply.status == 413)
            #expect(try reply.json.require("code").string() == "body-too-large")
        }
    }
}
