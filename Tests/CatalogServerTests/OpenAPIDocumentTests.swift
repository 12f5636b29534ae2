import Catalog
import CatalogServer
import Foundation
import Hummingbird
import MiniSupport
import Testing

/// The OpenAPI document lists exactly the routes the router serves.
struct OpenAPIDocumentTests {
    @Test("every route is documented and every documented route exists")
    func documentMatchesRouter() async throws {
        let routed = try await APIContractTests.withRouter { router, _ in
            Set(
                router.routes.map { route -> String in
                    let path = "\(route.path)".split(separator: "/").map {
                        $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0)
                    }
                    return "\(route.method.rawValue) /" + path.joined(separator: "/")
                })
        }
        try await HealthRouteTests.withServer { base in
            let (status, body, _) = try await HealthRouteTests.get(base.appendingPathComponent("openapi.json"))
            #expect(status == 200)
            let document = JSONCursor(try JSONValue.parse(Data(body.utf8)))
            #expect(try document.require("openapi").string() == "3.1.0")
            var documented = Set<String>()
            for (path, operations) in try document.require("paths").objectMembers() {
                for (method, _) in try operations.objectMembers() {
                    documented.insert("\(method.uppercased()) \(path)")
                }
            }
            #expect(
                routed.subtracting(documented).isEmpty,
                "routes missing from the document: \(routed.subtracting(documented).sorted())")
            #expect(
                documented.subtracting(routed).isEmpty,
                "documented routes that do not exist: \(documented.subtracting(routed).sorted())")
            #expect(routed.count >= 30)
        }
    }
}
