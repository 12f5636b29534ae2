import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import MiniKit
import MiniSupport

/// The review workflow: submit → every configured stage approves (in order) → approved; any stage can reject
/// with a reason. Each stage has its reviewer role; nobody approves their own upload.
struct ReviewRoutes {
    let store: any CatalogStore
    let stages: [String]
    let clock: any CatalogClock

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.get("apps/:appId/versions/:version") { _, context -> Response in
            let account = try context.requireAccount()
            let (program, stored) = try await self.version(context)
            try AppRoutes.requireOwnerOrStaff(account, program: program)
            return JSONResponse.make(self.json(stored, detailed: true))
        }
        group.post("apps/:appId/versions/:version/submit") { _, context -> Response in
            let account = try context.requireAccount()
            let (program, stored) = try await self.version(context)
            try AppRoutes.requireOwner(account, partner: program.partnerId, action: "submit versions")
            guard stored.version.reviewState == .draft else {
                throw ProblemError(
                    .conflict, code: .illegalTransition,
                    detail:
                        "version \(stored.version.version) is \(stored.version.reviewState.rawValue); only a draft can be submitted (upload a new version after a rejection)"
                )
            }
            try await self.record(
                stored, stage: "", approved: true, by: account, reason: nil, to: .inReview, from: .draft,
                audit: ("version.submit", nil))
            return JSONResponse.make(self.json(try await self.reload(stored), detailed: false))
        }
        group.get("reviews") { _, context -> Response in
            let account = try context.requireAccount()
            let waiting = try await store.versionsInReview()
            let visible: [StoredVersion]
            switch account.role {
            case .reviewer(let stage): visible = waiting.filter { $0.currentStage(of: stages) == stage }
            case .ops, .admin: visible = waiting
            case .developer, .hostops:
                throw ProblemError(
                    .forbidden, code: .forbidden, detail: "the review queue is for reviewers and operators")
            }
            return JSONResponse.make(
                .object([
                    "stages": .array(stages.map(JSONValue.string)),
                    "versions": .array(visible.map { self.json($0, detailed: false) }),
                ]))
        }
        group.post("apps/:appId/versions/:version/approve") { _, context -> Response in
            let (account, stored, stage) = try await self.reviewer(context)
            let last = stage == stages.last
            try await self.record(
                stored, stage: stage, approved: true, by: account, reason: nil, to: last ? .approved : .inReview,
                from: .inReview, audit: ("review.approve", stage))
            return JSONResponse.make(self.json(try await self.reload(stored), detailed: false))
        }
        group.post("apps/:appId/versions/:version/reject") { request, context -> Response in
            let (account, stored, stage) = try await self.reviewer(context)
            var request = request
            let body = try await RequestBody.json(&request)
            let reason = try RequestBody.read(body, Self.rejection).reason
            try await self.record(
                stored, stage: stage, approved: false, by: account, reason: reason, to: .rejected, from: .inReview,
                audit: ("review.reject", "\(stage): \(reason)"))
            return JSONResponse.make(self.json(try await self.reload(stored), detailed: false))
        }
    }

    /// The body of a rejection, whose reason the partner reads.
    static func rejection(_ json: JSONCursor) throws(JSONPathError) -> ReasonRequest {
        try ReasonRequest(json: json, why: ": the partner reads it")
    }

    private static func target(_ stored: StoredVersion) -> String {
        "\(stored.version.appId)@\(stored.version.version)"
    }

    private func version(_ context: CatalogRequestContext) async throws -> (Catalog.MiniProgram, StoredVersion) {
        let appId = context.parameters.get("appId") ?? ""
        let text = context.parameters.get("version") ?? ""
        let program = try await store.requireMiniProgram(appId)
        guard let number = SemanticVersion(text), let stored = try await store.version(appId: appId, version: number)
        else {
            throw ProblemError.notFound("no version '\(text)' of '\(appId)'")
        }
        return (program, stored)
    }

    private func reload(_ stored: StoredVersion) async throws -> StoredVersion {
        try await store.version(appId: stored.version.appId, version: stored.version.version) ?? stored
    }

    /// The reviewer of the stage the version waits for, who is not its uploader.
    private func reviewer(_ context: CatalogRequestContext) async throws -> (Account, StoredVersion, String) {
        let account = try context.requireAccount()
        let (_, stored) = try await version(context)
        guard stored.version.reviewState == .inReview, let stage = stored.currentStage(of: stages) else {
            throw ProblemError(
                .conflict, code: .illegalTransition,
                detail: "version \(stored.version.version) is \(stored.version.reviewState.rawValue), not in review")
        }
        guard case .reviewer(let own) = account.role else {
            throw ProblemError(
                .forbidden, code: .forbidden, detail: "only reviewers review; '\(account.id)' is \(account.role)")
        }
        guard own == stage else {
            throw ProblemError(
                .conflict, code: .wrongStage,
                detail: "the version waits for the \(stage) review; '\(account.id)' reviews \(own)")
        }
        guard account.id != stored.uploadedBy else {
            throw ProblemError(
                .forbidden, code: .ownWork,
                detail: "nobody approves their own work: '\(account.id)' uploaded this version")
        }
        return (account, stored, stage)
    }

    private func record(
        _ stored: StoredVersion, stage: String, approved: Bool, by account: Account, reason: String?,
        to state: MiniProgramVersion.ReviewState, from expected: MiniProgramVersion.ReviewState,
        audit: (action: String, reason: String?)
    ) async throws {
        let decision = ReviewDecision(
            appId: stored.version.appId, version: stored.version.version, stage: stage, approved: approved,
            reviewer: account.id, reason: reason, at: clock.now())
        let entry = AuditEntry(
            at: decision.at, actor: account.id, action: audit.action, target: Self.target(stored), reason: audit.reason)
        guard try await store.recordReview(decision, newState: state, expectedState: expected, audit: entry) else {
            throw ProblemError(
                .conflict, code: .illegalTransition, detail: "the version changed meanwhile; reload it")
        }
    }

    func json(_ stored: StoredVersion, detailed: Bool) -> JSONValue {
        guard case .object(var members) = AppRoutes.json(stored.version) else { return .null }
        members["uploadedBy"] = .string(stored.uploadedBy)
        if stored.version.reviewState == .inReview, let stage = stored.currentStage(of: stages) {
            members["waitingFor"] = .string(stage)
        }
        members["reviews"] = .array(
            stored.reviews.map { review in
                var entry: [String: JSONValue] = [
                    "stage": .string(review.stage), "decision": .string(review.approved ? "approved" : "rejected"),
                    "reviewer": .string(review.reviewer), "at": .string(Timestamp.format(review.at)),
                ]
                if let reason = review.reason { entry["reason"] = .string(reason) }
                return .object(entry)
            })
        if detailed, let report = try? JSONValue.parse(Data(stored.report.utf8)) { members["report"] = report }
        return .object(members)
    }
}
