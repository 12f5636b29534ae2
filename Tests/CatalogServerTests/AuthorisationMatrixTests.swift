import Catalog
import CatalogServer
import Foundation
import MiniSupport
import Testing

/// Every bearer route × every role: anonymous callers get 401, roles outside the route's audience 403 (a host
/// organisation may get 404 instead: another organisation's hosts are answered as missing), and the audience
/// gets past authorisation (whatever the body then says). `metro` runs the host metropay; `tram` runs none.
struct AuthorisationMatrixTests {
    enum Caller: String, CaseIterable {
        case anonymous, admin, ops, compliance, risk, owner, otherDeveloper, metro, tram
    }

    struct Route {
        var method: String
        var path: String
        var body: String?
        var audience: Set<Caller>
    }

    static let bank: Set<Caller> = [.admin, .ops, .compliance, .risk, .owner, .otherDeveloper]
    static let everyone: Set<Caller> = bank.union(hostops)
    static let hostops: Set<Caller> = [.metro, .tram]
    static let operators: Set<Caller> = [.admin, .ops]
    static let metropay: Set<Caller> = [.admin, .ops, .metro]
    static let ownerAndStaff: Set<Caller> = [.admin, .ops, .compliance, .risk, .owner]
    static let app = "com.carins.quote"

    static let routes: [Route] =
        [
            Route(method: "GET", path: "v1/hosts", audience: everyone),
            Route(method: "GET", path: "v1/hosts/mbank", audience: bank),
            Route(method: "GET", path: "v1/hosts/metropay", audience: bank.union([.metro])),
            // A host organisation creates hosts for itself.
            Route(
                method: "POST", path: "v1/hosts", body: #"{"id": "new-host", "name": "N"}"#,
                audience: operators.union(hostops)),
            Route(
                method: "POST", path: "v1/hosts", body: #"{"id": "new-host", "name": "N", "organisation": "metro"}"#,
                audience: metropay),
            Route(method: "GET", path: "v1/audit", audience: operators.union(hostops)),
            Route(method: "GET", path: "v1/orgs", audience: everyone),
            Route(method: "POST", path: "v1/orgs", body: #"{"id": "newco", "name": "N"}"#, audience: operators),
            Route(method: "GET", path: "v1/offers", audience: operators.union(hostops)),
            Route(
                method: "POST", path: "v1/apps/\(app)/offers", body: #"{"host": "metropay", "version": "2.1.0"}"#,
                audience: operators),
            Route(method: "POST", path: "v1/hosts/metropay/offers/\(app)/accept", body: "{}", audience: [.metro]),
            Route(method: "POST", path: "v1/hosts/metropay/offers/\(app)/decline", body: "{}", audience: [.metro]),
            Route(method: "POST", path: "v1/hosts/metropay/rotate-key", audience: metropay),
            Route(method: "POST", path: "v1/hosts/metropay/user-trust", body: "{}", audience: metropay),
            Route(
                method: "POST", path: "v1/hosts/metropay/brand",
                body: #"{"title": "Metro", "accent": "red", "services": "City services"}"#, audience: metropay),
            Route(
                method: "POST", path: "v1/apps/com.bank.branch-queue/delist",
                body: #"{"host": "metropay", "reason": "matrix test"}"#, audience: metropay),
            Route(
                method: "POST", path: "v1/apps/com.bank.branch-queue/relist", body: #"{"host": "metropay"}"#,
                audience: metropay),
            Route(method: "GET", path: "v1/segments", audience: bank),
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
            Route(method: "GET", path: "v1/apps", audience: bank),
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
            // By now metro accepted the offer above: it sees the app's listing on its own host.
            Route(method: "GET", path: "v1/apps/\(app)/listings", audience: ownerAndStaff.union([.metro])),
            Route(method: "GET", path: "v1/apps/\(app)/status", audience: ownerAndStaff.union([.metro])),
            Route(method: "GET", path: "v1/apps/\(app)/explain", audience: ownerAndStaff.union([.metro])),
            Route(method: "GET", path: "v1/packages/\(String(repeating: "0", count: 64))", audience: everyone),
            Route(method: "GET", path: "v1/devices", audience: operators.union(hostops)),
            Route(
                method: "POST", path: "v1/hosts/kiosk/brand",
                body: #"{"title": "Kiosk", "accent": "green", "services": "Bank services"}"#, audience: operators),
            Route(method: "GET", path: "v1/reports", audience: operators.union(hostops)),
            Route(method: "GET", path: "v1/apps/\(app)/activity", audience: operators.union(hostops)),
            Route(
                method: "POST", path: "v1/devices/d-none/revoke", body: #"{"reason": "matrix test"}"#,
                audience: operators.union(hostops)),
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
            tokens[.metro] = try await HostRoutesTests.account(store, "m-metro", "hostops:metro")
            _ = try await store.createOrganisation(Organisation(id: "tram", name: "Tram"), audit: nil)
            tokens[.tram] = try await HostRoutesTests.account(store, "m-tram", "hostops:tram")
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
                            status == 403 || (Self.hostops.contains(caller) && status == 404)
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
