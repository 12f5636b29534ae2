import Catalog
import CatalogAPI
import CatalogServer
import Foundation
import MiniSupport
import Testing

/// The contract's answer schemas against what the server really answers: a whole platform's life is played
/// through the router, and every JSON answer is held against the schema its endpoint declares.
struct AnswerSchemaTests {
    /// Endpoints the flow below does not reach, each with why; every other endpoint with a JSON answer must be
    /// answered at least once.
    static let notExercised: [String: String] = [
        "POST /v1/apps/{appId}/versions/{version}/reject": "answers a Version, as approve does",
        "POST /v1/apps/{appId}/rollback": "needs a second approved version",
    ]

    @Test("every JSON answer fits the schema its endpoint declares")
    func answersFitTheirSchemas() async throws {
        let recorder = AnswerRecorder()
        try await RouteTransport.$recorder.withValue(recorder) {
            try await HealthRouteTests.withServer { base, store in
                try await Self.playPlatform(base, store)
            }
        }
        #expect(recorder.all.count > 30, "the flow was recorded: \(recorder.all.count) answers")
        var answered = Set<String>()
        var problems: [String] = []
        let problem = try #require(CatalogAPI.schemas["Problem"])
        var codes = Set<String>()
        for answer in recorder.all where answer.reply.status >= 400 {
            let value = try JSONValue.parse(answer.reply.data)
            problems += SchemaCheck.problems(value, problem).map { "\(answer.method) \(answer.path): \($0)" }
            if case .object(let members) = value, case .string(let code)? = members["code"] { codes.insert(code) }
        }
        #expect(
            codes.isSuperset(of: ["unauthorized", "forbidden", "not-found", "invalid-body", "method-not-allowed"]),
            "\(codes)")
        for answer in recorder.all where (200..<300).contains(answer.reply.status) {
            let endpoint = try #require(
                CatalogAPI.all.first { $0.method.rawValue == answer.method && $0.matches(path: answer.path) },
                "\(answer.method) \(answer.path) is not in the contract")
            answered.insert("\(endpoint.method.rawValue) \(endpoint.path)")
            guard let schemaName = endpoint.answer?.schema else { continue }
            let schema = try #require(CatalogAPI.schemas[schemaName], "no schema \(schemaName)")
            let value = try JSONValue.parse(answer.reply.data)
            problems += SchemaCheck.problems(value, schema).map { "\(answer.method) \(answer.path): \($0)" }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        let withSchemas = CatalogAPI.all.filter { $0.answer?.schema != nil }.map { "\($0.method.rawValue) \($0.path)" }
        let missing = withSchemas.filter { !answered.contains($0) && Self.notExercised[$0] == nil }
        #expect(missing.isEmpty, "never answered: \(missing)")
    }

    @Test("the check finds a missing field, an undeclared one and a wrong type")
    func checkFinds() throws {
        let host = try #require(CatalogAPI.schemas["Host"])
        let good: JSONValue = [
            "id": "mbank", "name": "Mobile", "active": true, "expiryGraceSeconds": 0, "userKeys": [],
            "clientProperties": ["beta"], "organisation": "bank",
        ]
        #expect(SchemaCheck.problems(good, host).isEmpty)
        let bad: JSONValue = [
            "id": "mbank", "active": "yes", "expiryGraceSeconds": 1.5, "colour": "red", "userKeys": [],
            "clientProperties": [], "organisation": "bank",
        ]
        #expect(
            SchemaCheck.problems(bad, host) == [
                "$: 'name' is missing", "$.active: a string, not boolean", "$.colour: not in the schema",
                "$.expiryGraceSeconds: a number, not integer",
            ])
    }

    /// Accounts, a partner, a mini-program through review, a host, segments, every listing action, the shells'
    /// catalog, the host's key and its deactivation, and every list in between.
    private static func playPlatform(_ base: URL, _ store: SQLiteCatalogStore) async throws {
        let (setup, key) = try await ShellRoutesTests.listedApp(base, store)
        // A few refusals, whose problem documents are held against the Problem schema and its codes.
        #expect(
            try await HostRoutesTests.call("GET", base.appendingPathComponent("v1/hosts"), token: nil).status == 401)
        #expect(
            try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts"), token: setup.developer, body: "{}"
            ).status == 403)
        #expect(
            try await HostRoutesTests.call("GET", base.appendingPathComponent("v1/hosts/nope"), token: setup.ops)
                .status == 404)
        #expect(
            try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/partners"), token: setup.ops, body: #"{"id": 1}"#
            ).status == 400)
        #expect(
            try await HostRoutesTests.call("GET", base.appendingPathComponent("v1/partners"), token: setup.ops)
                .status == 405)
        func url(_ path: String) throws -> URL { try #require(URL(string: base.absoluteString + path)) }
        func get(_ path: String, token: String? = nil) async throws {
            let reply = try await HostRoutesTests.call("GET", try url(path), token: token ?? setup.ops)
            #expect(reply.status == 200, "GET \(path): \(reply.status)")
        }
        func post(_ path: String, _ body: String = "{}", token: String? = nil) async throws {
            let reply = try await HostRoutesTests.call("POST", try url(path), token: token ?? setup.ops, body: body)
            #expect((200..<300).contains(reply.status), "POST \(path): \(reply.status) \(reply.json.value)")
        }
        try await post("/v1/partners", #"{"id": "walletco", "name": "Wallet Co"}"#)
        try await post(
            "/v1/apps", #"{"id": "com.walletco.pay", "partnerId": "walletco", "name": "Pay", "category": "finance"}"#)
        try await post(
            "/v1/segments",
            #"{"name": "east", "constraints": [{"contextName": "region", "operator": "IN", "values": ["shanghai"]}]}"#)
        let app = "/v1/apps/com.carins.quote"
        try await post("\(app)/release", #"{"host": "mbank", "version": "2.1.0", "percent": 30, "segments": ["east"]}"#)
        try await post("\(app)/widen", #"{"host": "mbank", "percent": 50}"#)
        try await post("\(app)/pause", #"{"host": "mbank"}"#)
        try await post("\(app)/widen", #"{"host": "mbank", "percent": 60}"#)
        try await post("\(app)/cancel", #"{"host": "mbank"}"#)
        try await post("\(app)/release", #"{"host": "mbank", "version": "2.1.0", "userIds": ["alice"]}"#)
        try await post("\(app)/full", #"{"host": "mbank"}"#)
        for path in [
            "/healthz", "/v1/keys/rotations", "/v1/hosts", "/v1/hosts/mbank", "/v1/segments", "/v1/audit?limit=50",
            "/v1/apps",
            "\(app)/versions", "\(app)/versions/2.1.0", "/v1/reviews", "\(app)/listings", "\(app)/status",
            "\(app)/explain?host=mbank&user=alice&p.region=shanghai",
        ] {
            try await get(path)
        }
        // Going out: an organisation, its hosts, offers accepted and declined by its own account.
        try await post("/v1/orgs", #"{"id": "metro", "name": "Metro Transit"}"#)
        try await post("/v1/hosts", #"{"id": "metropay", "name": "Metro Pay", "organisation": "metro"}"#)
        let metro = try await HostRoutesTests.account(store, "hostops-metro", "hostops:metro")
        try await post("/v1/hosts", #"{"id": "metrokiosk", "name": "Metro kiosk"}"#, token: metro)
        try await post("\(app)/offers", #"{"host": "metropay", "version": "2.1.0", "percent": 20}"#)
        try await post("\(app)/offers", #"{"host": "metrokiosk", "version": "2.1.0"}"#)
        try await get("/v1/offers?state=pending", token: metro)
        try await post(
            "/v1/hosts/metropay/offers/com.carins.quote/accept", #"{"reason": "riders asked"}"#, token: metro)
        try await post("/v1/hosts/metrokiosk/offers/com.carins.quote/decline", token: metro)
        try await get("/v1/orgs")
        try await get("/v1/orgs", token: metro)
        try await get("/v1/offers")
        try await post("\(app)/delist", #"{"host": "metropay", "reason": "a complaint from our riders"}"#, token: metro)
        try await get("\(app)/status", token: metro)
        try await get("/v1/audit", token: metro)
        let device = try await TestDevice.enrolled(base, hostKey: key)
        let pending = try await TestDevice.enrolled(base, hostKey: key)
        let catalog = try await device.catalog(base, user: "alice")
        #expect(catalog.0 == 200)
        try await post("\(app)/delist", #"{"host": "all", "reason": "a fraud report from the risk team"}"#)
        #expect(try await device.acknowledge(base, device.acknowledgement(sequence: 99)).0 == 204)
        try await post("/v1/hosts/mbank/reports", ReportRoutesTests.batch, token: device.token)
        try await get("/v1/reports?app=com.carins.quote&limit=5")
        try await get("\(app)/activity")
        try await get("\(app)/status")
        try await get("/v1/devices")
        try await post("/v1/devices/\(pending.id)/revoke", #"{"reason": "reported stolen"}"#)
        try await post("\(app)/relist", #"{"host": "mbank"}"#)
        try await post("/v1/hosts/mbank/rotate-key")
        try await post(
            "/v1/hosts/mbank/user-trust",
            #"{"userKeys": ["\#(TestUsers.key.verificationKey.base64)"], "clientProperties": ["beta"]}"#)
        try await post("/v1/hosts/mbank/brand", HostBrandRoutesTests.brand)
        try await post("/v1/hosts/mbank/deactivate", #"{"reason": "the partner bank left the programme"}"#)
        try await post("/v1/hosts/mbank/activate")
    }
}
