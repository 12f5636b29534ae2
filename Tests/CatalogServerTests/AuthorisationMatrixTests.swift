import Catalog
import CatalogServer
import Foundation
import MiniSupport
import Testing

/// Every bearer route × every role: anonymous callers get 401, roles outside the route's audience 403, and
/// the audience gets past authorisation (whatever the body then says).
struct AuthorisationMatrixTests {
    enum Caller: String, CaseIterable {
        case anonymous, admin, ops, compliance, risk, owner, otherDeveloper
    }

    struct Route {
        var method: String
        var path: String
        var body: String?
        var audience: Set<Caller>
    }

    static let everyone: Set<Caller> = [.admin, .ops, .compliance, .risk, .owner, .otherDeveloper]
    static let operators: Set<Caller> = [.admin, .ops]
    static let ownerAndStaff: Set<Caller> = [.admin, .ops, .compliance, .risk, .owner]
    static let app = "com.carins.quote"

    static let routes: [Route] =
        [
            Route(method: "GET", path: "v1/hosts", audience: everyone),
            Route(method: "GET", path: "v1/hosts/mbank", audience: everyone),
            Route(method: "POST", path: "v1/hosts", body: #"{"id": "new-host", "name": "N"}"#, audience: operators),
            Route(method: "GET", path: "v1/audit", audience: operators),
            Route(method: "GET", path: "v1/segments", audience: everyone),
            Route(
                method: "POST", path: "v1/segments",
                body:
                    #"{"name": "matrix", "constraints": [{"contextName": "tier", "operator": "IN", "values": ["x"]}]}"#,
                audience: operators),
            Route(method: "POST", path: "v1/hosts/carunit/rotate-key", audience: operators),
            Route(
                method: "POST", path: "v1/hosts/kiosk/deactivate", body: #"{"reason": "matrix test"}"#,
                audience: operators),
            Route(method: "POST", path: "v1/hosts/kiosk/activate", audience: operators),
            Route(
                method: "POST", path: "v1/hosts/kiosk/user-trust", body: #"{"clientProperties": ["beta"]}"#,
                audience: operators),
            Route(method: "POST", path: "v1/partners", body: #"{"id": "newco", "name": "N"}"#, audience: operators),
            Route(method: "GET", path: "v1/apps", audience: everyone),
            Route(
                method: "POST", path: "v1/apps",
                body: #"{"id": "com.carins.other", "partnerId": "carins", "name": "O", "category": "insurance"}"#,
                audience: [.admin, .ops, .owner]),
            Route(method: "GET", path: "v1/apps/\(app)/versions", audience: ownerAndStaff),
            Route(method: "POST", path: "v1/apps/\(app)/versions", body: "", audience: [.admin, .ops, .owner]),
            Route(method: "GET", path: "v1/apps/\(app)/versions/2.1.0", audience: ownerAndStaff),
            Route(
                method: "POST", path: "v1/apps/\(app)/versions/2.1.0/submit", body: "{}",
                audience: [.admin, .ops, .owner]),
            Route(method: "GET", path: "v1/reviews", audience: [.admin, .ops, .compliance, .risk]),
            Route(
                method: "POST", path: "v1/apps/\(app)/versions/2.1.0/approve", body: "{}",
                audience: [.compliance, .risk]),
            Route(
                method: "POST", path: "v1/apps/\(app)/versions/2.1.0/reject", body: #"{"reason": "not this time"}"#,
                audience: [.compliance, .risk]),
            Route(method: "GET", path: "v1/apps/\(app)/listings", audience: ownerAndStaff),
            Route(method: "GET", path: "v1/apps/\(app)/status", audience: ownerAndStaff),
            Route(method: "GET", path: "v1/apps/\(app)/explain", audience: ownerAndStaff),
            Route(method: "GET", path: "v1/packages/\(String(repeating: "0", count: 64))", audience: everyone),
            Route(method: "GET", path: "v1/devices", audience: operators),
            Route(
                method: "POST", path: "v1/hosts/kiosk/brand",
                body: #"{"title": "Kiosk", "accent": "green", "services": "Bank services"}"#, audience: operators),
            Route(method: "GET", path: "v1/reports", audience: operators),
            Route(method: "GET", path: "v1/apps/\(app)/activity", audience: operators),
            Route(
                method: "POST", path: "v1/devices/d-none/revoke", body: #"{"reason": "matrix test"}"#,
                audience: operators),
        ]
        + ["release", "widen", "full", "pause", "cancel", "rollback", "delist", "relist"].map {
            Route(
                method: "POST", path: "v1/apps/\(app)/\($0)",
                body: #"{"host": "kiosk", "version": "2.1.0", "percent": 10, "reason": "matrix test"}"#,
                audience: operators)
        }

    @Test("every bearer route of the OpenAPI document is in the matrix")
    func coverage() async throws {
        try await HealthRouteTests.withServer { base, _ in
            let document = try JSONValue.parse(
                Data(try await HealthRouteTests.get(base.appendingPathComponent("openapi.json")).1.utf8))
            var missing: [String] = []
            for (template, item) in try JSONCursor(document).require("paths").objectMembers() {
                for (method, operation) in try item.objectMembers() {
                    guard try operation.field("security")?.array().first?.field("bearer") != nil else { continue }
                    let parts = template.split(separator: "/")
                    let covered = Self.routes.contains { route in
                        let concrete = route.path.split(separator: "/")
                        return route.method == method.uppercased() && concrete.count == parts.count
                            && zip(parts, concrete).allSatisfy { $0 == $1 || $0.hasPrefix("{") }
                    }
                    if !covered { missing.append("\(method.uppercased()) \(template)") }
                }
            }
            #expect(missing.isEmpty, "not in the matrix: \(missing)")
        }
    }

    @Test("the authorisation matrix")
    func matrix() async throws {
        try await HealthRouteTests.withServer { base, store in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("matrix-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            _ = try await Seeder(
                store: store, packages: try PackageStore(dataDirectory: directory), stages: ["compliance", "risk"]
            ).load(SeederTests.seeds)
            var tokens: [Caller: String] = [:]
            tokens[.admin] = try await HostRoutesTests.account(store, "m-admin", "admin")
            tokens[.ops] = try await HostRoutesTests.account(store, "m-ops", "ops")
            tokens[.compliance] = try await HostRoutesTests.account(store, "m-comp", "reviewer:compliance")
            tokens[.risk] = try await HostRoutesTests.account(store, "m-risk", "reviewer:risk")
            tokens[.owner] = try await HostRoutesTests.account(store, "m-owner", "developer:carins")
            tokens[.otherDeveloper] = try await HostRoutesTests.account(store, "m-other", "developer:harbour")
            var failures: [String] = []
            for route in Self.routes {
                for caller in Caller.allCases {
                    let status = try await HostRoutesTests.call(
                        route.method, base.appendingPathComponent(route.path), token: tokens[caller], body: route.body
                    ).status
                    let expected: String
                    let ok: Bool
                    switch caller {
                    case .anonymous:
                        expected = "401"
                        ok = status == 401
                    case _ where route.audience.contains(caller):
                        expected = "past authorisation"
                        ok = status != 401 && status != 403
                    default:
                        expected = "403"
                        ok =
                            status == 403
                            || (status == 409 && route.path.hasSuffix("approve")
                                || status == 409 && route.path.hasSuffix("reject"))
                    }
                    if !ok {
                        failures.append(
                            "\(route.method) /\(route.path) as \(caller.rawValue): \(status), expected \(expected)")
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }
}
