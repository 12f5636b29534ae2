import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Partners, mini-programs and uploads through the router, with real packages of the sample apps.
struct AppRoutesTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sample-apps")

    static func package(_ app: String) throws -> Data {
        try PackageFiles.read(folder: samples.appendingPathComponent(app)).pack()
    }

    static func upload(_ base: URL, app: String, token: String, _ data: Data) async throws -> HostRoutesTests.Reply {
        var request = URLRequest(url: base.appendingPathComponent("v1/apps/\(app)/versions"))
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/zip", forHTTPHeaderField: "Content-Type")
        request.httpBody = data
        let reply = try await RouteTransport.send(request)
        return HostRoutesTests.Reply(status: reply.status, json: JSONCursor(try JSONValue.parse(reply.data)))
    }

    @Test("a partner's developer creates a mini-program and uploads a checked version; others may not")
    func uploadFlow() async throws {
        try await HealthRouteTests.withServer { base, store in
            let ops = try await HostRoutesTests.account(store, "ops-1", "ops")
            let carins = try await HostRoutesTests.account(store, "dev-carins", "developer:carins")
            let other = try await HostRoutesTests.account(store, "dev-funds", "developer:harbour")
            #expect(
                try await HostRoutesTests.call(
                    "POST", base.appendingPathComponent("v1/partners"), token: carins,
                    body: #"{"id": "carins", "name": "CarIns"}"#
                ).status == 403)
            #expect(
                try await HostRoutesTests.call(
                    "POST", base.appendingPathComponent("v1/partners"), token: ops,
                    body: #"{"id": "carins", "name": "CarIns"}"#
                ).status == 201)
            let app =
                #"{"id": "com.carins.quote", "partnerId": "carins", "name": "Car insurance", "category": "insurance"}"#
            #expect(
                try await HostRoutesTests.call("POST", base.appendingPathComponent("v1/apps"), token: other, body: app)
                    .status == 403)
            #expect(
                try await HostRoutesTests.call("POST", base.appendingPathComponent("v1/apps"), token: carins, body: app)
                    .status == 201)
            #expect(
                try await HostRoutesTests.call("POST", base.appendingPathComponent("v1/apps"), token: carins, body: app)
                    .status == 409)

            let data = try Self.package("car-insurance")
            #expect(try await Self.upload(base, app: "com.carins.quote", token: other, data).status == 403)
            let uploaded = try await Self.upload(base, app: "com.carins.quote", token: carins, data)
            #expect(uploaded.status == 201)
            let digest = try uploaded.json.require("sha256").string()
            #expect(digest == PackageStore.digest(data))
            #expect(try uploaded.json.require("report").require("pages").array().count == 4)
            #expect(try await Self.upload(base, app: "com.carins.quote", token: carins, data).status == 409)

            let versions = try await HostRoutesTests.call(
                "GET", base.appendingPathComponent("v1/apps/com.carins.quote/versions"), token: carins)
            #expect(try versions.json.require("versions").array().first?.require("version").string() == "2.1.0")
            #expect(
                try await HostRoutesTests.call(
                    "GET", base.appendingPathComponent("v1/apps/com.carins.quote/versions"), token: other
                ).status == 403)
            #expect(try await store.versions(appId: "com.carins.quote").first?.package.sha256 == digest)
            let listed = try await HostRoutesTests.call("GET", base.appendingPathComponent("v1/apps"), token: other)
            #expect(try listed.json.require("apps").array().isEmpty, "developers see only their partner's apps")
        }
    }

    @Test("invalid packages are refused with the checker's diagnostics; nothing is stored")
    func invalidPackages() async throws {
        try await HealthRouteTests.withServer { base, store in
            let ops = try await HostRoutesTests.account(store, "ops-1", "ops")
            _ = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/partners"), token: ops,
                body: #"{"id": "carins", "name": "CarIns"}"#)
            _ = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/apps"), token: ops,
                body: #"{"id": "com.carins.quote", "partnerId": "carins", "name": "Car", "category": "insurance"}"#)
            let garbage = try await Self.upload(base, app: "com.carins.quote", token: ops, Data("not a zip".utf8))
            #expect(garbage.status == 422)
            #expect(try garbage.json.require("code").string() == "invalid-package")
            var broken = try PackageFiles.read(folder: Self.samples.appendingPathComponent("car-insurance")).files
            broken["pages/quote.mml"] = Data("<colum></colum>".utf8)
            let diagnostics = try await Self.upload(
                base, app: "com.carins.quote", token: ops, try PackageFiles(broken).pack())
            #expect(diagnostics.status == 422)
            #expect(try diagnostics.json.require("detail").string().contains("unknown component <colum>"))
            let wrongApp = try await Self.upload(
                base, app: "com.carins.quote", token: ops, try Self.package("bill-payment"))
            #expect(wrongApp.status == 422)
            #expect(try wrongApp.json.require("code").string() == "wrong-app")
            let huge = try await Self.upload(
                base, app: "com.carins.quote", token: ops, Data(count: MiniKitLimits.maximumPackageSize + 1))
            #expect(huge.status == 413)
            #expect(try await store.versions(appId: "com.carins.quote").isEmpty)
            #expect(try await Self.upload(base, app: "com.nothing", token: ops, Data()).status == 404)
        }
    }
}
