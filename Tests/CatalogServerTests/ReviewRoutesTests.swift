import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import Testing

/// The review workflow through the router: submit, stage-by-stage approval, rejection, and every illegal move.
struct ReviewRoutesTests {
    struct Setup {
        var base: URL
        var store: SQLiteCatalogStore
        var ops: String
        var developer: String
        var compliance: String
        var risk: String
    }

    static func setUp(_ base: URL, _ store: SQLiteCatalogStore) async throws -> Setup {
        let setup = Setup(
            base: base, store: store, ops: try await HostRoutesTests.account(store, "ops-1", "ops"),
            developer: try await HostRoutesTests.account(store, "dev-carins", "developer:carins"),
            compliance: try await HostRoutesTests.account(store, "rev-c", "reviewer:compliance"),
            risk: try await HostRoutesTests.account(store, "rev-r", "reviewer:risk"))
        _ = try await HostRoutesTests.call(
            "POST", base.appendingPathComponent("v1/partners"), token: setup.ops,
            body: #"{"id": "carins", "name": "CarIns"}"#)
        _ = try await HostRoutesTests.call(
            "POST", base.appendingPathComponent("v1/apps"), token: setup.developer,
            body: #"{"id": "com.carins.quote", "partnerId": "carins", "name": "Car", "category": "insurance"}"#)
        #expect(
            try await AppRoutesTests.upload(
                base, app: "com.carins.quote", token: setup.developer, try AppRoutesTests.package("car-insurance")
            ).status == 201)
        return setup
    }

    static func post(_ setup: Setup, _ action: String, _ token: String, body: String? = nil) async throws
        -> HostRoutesTests.Reply
    {
        try await HostRoutesTests.call(
            "POST", setup.base.appendingPathComponent("v1/apps/com.carins.quote/versions/2.1.0/\(action)"),
            token: token, body: body ?? "{}")
    }

    @Test("draft → submitted → compliance → risk → approved, with the queue and audit following")
    func approval() async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await Self.setUp(base, store)
            #expect(try await Self.post(setup, "approve", setup.compliance).status == 409, "a draft is not in review")
            #expect(try await Self.post(setup, "submit", setup.developer).status == 200)
            #expect(
                try await Self.post(setup, "submit", setup.developer).status == 409, "only a draft can be submitted")

            let queue = try await HostRoutesTests.call(
                "GET", base.appendingPathComponent("v1/reviews"), token: setup.risk)
            #expect(try queue.json.require("versions").array().isEmpty, "risk waits for compliance")
            #expect(
                try await HostRoutesTests.call("GET", base.appendingPathComponent("v1/reviews"), token: setup.developer)
                    .status == 403)
            let wrongStage = try await Self.post(setup, "approve", setup.risk)
            #expect(wrongStage.status == 409)
            #expect(try wrongStage.json.require("code").string() == "wrong-stage")
            #expect(try await Self.post(setup, "approve", setup.ops).status == 403, "operators do not review")

            let first = try await Self.post(setup, "approve", setup.compliance)
            #expect(first.status == 200)
            #expect(try first.json.require("waitingFor").string() == "risk")
            let second = try await Self.post(setup, "approve", setup.risk)
            #expect(try second.json.require("reviewState").string() == "approved")
            #expect(
                try second.json.require("reviews").array().map { try $0.require("stage").string() } == [
                    "compliance", "risk",
                ])
            #expect(try await Self.post(setup, "reject", setup.risk, body: #"{"reason": "too late"}"#).status == 409)

            let detail = try await HostRoutesTests.call(
                "GET", base.appendingPathComponent("v1/apps/com.carins.quote/versions/2.1.0"), token: setup.developer)
            #expect(try detail.json.require("report").require("id").string() == "com.carins.quote")
            let audit = try await HostRoutesTests.call("GET", base.appendingPathComponent("v1/audit"), token: setup.ops)
            #expect(
                try audit.json.require("entries").array().prefix(3).map { try $0.require("action").string() } == [
                    "review.approve", "review.approve", "version.submit",
                ])
        }
    }

    @Test("a rejection needs a reason, ends the review, and nobody approves their own upload")
    func rejection() async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await Self.setUp(base, store)
            _ = try await Self.post(setup, "submit", setup.developer)
            let noReason = try await Self.post(setup, "reject", setup.compliance, body: #"{"reason": ""}"#)
            #expect(noReason.status == 400)
            let rejected = try await Self.post(
                setup, "reject", setup.compliance, body: #"{"reason": "The quote page hides the excess."}"#)
            #expect(try rejected.json.require("reviewState").string() == "rejected")
            #expect(
                try rejected.json.require("reviews").array().first?.require("reason").string()
                    == "The quote page hides the excess.")
            #expect(try await Self.post(setup, "approve", setup.compliance).status == 409)

            // Roles keep reviewers from uploading, but the rule holds on its own: a version recorded as uploaded
            // by a reviewer cannot be approved by that reviewer.
            let own = MiniProgramVersion(
                appId: "com.carins.quote", version: SemanticVersion(9, 0, 0),
                package: PackageReference(sha256: String(repeating: "a", count: 64), size: 1),
                reviewState: .inReview)
            #expect(try await store.addVersion(own, report: "{}", uploadedBy: "rev-c", at: Date(), audit: nil))
            let selfApproval = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/apps/com.carins.quote/versions/9.0.0/approve"),
                token: setup.compliance, body: "{}")
            #expect(selfApproval.status == 403)
            #expect(try selfApproval.json.require("code").string() == "own-work")
        }
    }
}
