import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import PostgresNIO

/// Partners, mini-programs, versions and their reviews.
extension PostgresCatalogStore {
    public func createPartner(id: String, name: String) async throws -> Bool {
        try await row("INSERT INTO partner (id, name) VALUES (\(id), \(name)) ON CONFLICT (id) DO NOTHING RETURNING id")
            != nil
    }

    public func partnerName(_ id: String) async throws -> String? {
        try await row("SELECT name FROM partner WHERE id = \(id)")?.get("name")
    }

    public func createMiniProgram(_ program: Catalog.MiniProgram) async throws -> Bool {
        try await row(
            """
            INSERT INTO mini_program (id, partner_id, name, category)
            VALUES (\(program.id), \(program.partnerId), \(program.name), \(program.category))
            ON CONFLICT (id) DO NOTHING RETURNING id
            """) != nil
    }

    public func miniProgram(id: String) async throws -> Catalog.MiniProgram? {
        try await row("SELECT * FROM mini_program WHERE id = \(id)").map(Self.miniProgram)
    }

    public func miniPrograms(partner: String?) async throws -> [Catalog.MiniProgram] {
        if let partner {
            return try await rows("SELECT * FROM mini_program WHERE partner_id = \(partner) ORDER BY id")
                .map(Self.miniProgram)
        }
        return try await rows("SELECT * FROM mini_program ORDER BY id").map(Self.miniProgram)
    }

    public func addVersion(
        _ version: MiniProgramVersion, report: String, uploadedBy: String, at: Date, audit: AuditEntry?
    ) async throws -> Bool {
        let scopes = try String(decoding: JSONEncoder().encode(version.scopes), as: UTF8.self)
        let domains = try String(decoding: JSONEncoder().encode(version.domains), as: UTF8.self)
        let texts = try String(decoding: JSONEncoder().encode(version.texts), as: UTF8.self)
        return try await transaction { transaction in
            guard
                try await transaction.row(
                    """
                    INSERT INTO version (app_id, version, sha256, size, scopes, domains, minimum_host_version,
                      review_state, report, uploaded_by, uploaded_at, texts)
                    VALUES (\(version.appId), \(version.version.description), \(version.package.sha256),
                      \(Int64(version.package.size)), \(scopes), \(domains), \(version.minimumHostVersion?.description),
                      \(version.reviewState.rawValue), \(report), \(uploadedBy), \(at.timeIntervalSince1970), \(texts))
                    ON CONFLICT (app_id, version) DO NOTHING RETURNING app_id
                    """) != nil
            else { return false }
            try await transaction.audit(audit)
            return true
        }
    }

    public func versions(appId: String) async throws -> [MiniProgramVersion] {
        try await rows("SELECT * FROM version WHERE app_id = \(appId) ORDER BY uploaded_at, version")
            .map(Self.programVersion)
    }

    public func version(appId: String, version: SemanticVersion) async throws -> StoredVersion? {
        guard
            let record = try await row(
                "SELECT * FROM version WHERE app_id = \(appId) AND version = \(version.description)")
        else { return nil }
        return try await storedVersion(record)
    }

    public func packageDigests() async throws -> Set<String> {
        Set(try await rows("SELECT DISTINCT sha256 FROM version").map { try $0.get("sha256", as: String.self) })
    }

    public func packageOwners(sha256: String) async throws -> Set<String> {
        Set(
            try await rows(
                """
                SELECT DISTINCT m.partner_id FROM version v JOIN mini_program m ON m.id = v.app_id
                WHERE v.sha256 = \(sha256)
                """
            ).map { try $0.get("partner_id", as: String.self) })
    }

    public func versionsInReview() async throws -> [StoredVersion] {
        let state = MiniProgramVersion.ReviewState.inReview.rawValue
        var result: [StoredVersion] = []
        for record in try await rows("SELECT * FROM version WHERE review_state = \(state) ORDER BY uploaded_at") {
            result.append(try await storedVersion(record))
        }
        return result
    }

    public func recordReview(
        _ review: ReviewDecision, newState: MiniProgramVersion.ReviewState,
        expectedState: MiniProgramVersion.ReviewState, audit: AuditEntry?
    ) async throws -> Bool {
        try await transaction { transaction in
            guard
                try await transaction.row(
                    """
                    UPDATE version SET review_state = \(newState.rawValue)
                    WHERE app_id = \(review.appId) AND version = \(review.version.description)
                      AND review_state = \(expectedState.rawValue)
                    RETURNING app_id
                    """) != nil
            else { return false }
            if !review.stage.isEmpty {
                try await transaction.run(
                    """
                    INSERT INTO review (app_id, version, stage, approved, reviewer, reason, at)
                    VALUES (\(review.appId), \(review.version.description), \(review.stage), \(review.approved),
                      \(review.reviewer), \(review.reason), \(review.at.timeIntervalSince1970))
                    """)
            }
            try await transaction.audit(audit)
            return true
        }
    }

    private func storedVersion(_ record: Record) async throws -> StoredVersion {
        let version = try Self.programVersion(record)
        let reviews = try await rows(
            """
            SELECT * FROM review WHERE app_id = \(version.appId) AND version = \(version.version.description)
            ORDER BY id
            """
        ).map { review in
            ReviewDecision(
                appId: try review.get("app_id"), version: version.version, stage: try review.get("stage"),
                approved: try review.get("approved"), reviewer: try review.get("reviewer"),
                reason: try review.get("reason"), at: try review.date("at"))
        }
        return StoredVersion(
            version: version, uploadedBy: try record.get("uploaded_by"), report: try record.get("report"),
            reviews: reviews)
    }

    static func programVersion(_ record: Record) throws -> MiniProgramVersion {
        let text = try record.get("version", as: String.self)
        guard let number = SemanticVersion(text) else { throw unknown("version.version", text) }
        let state = try record.get("review_state", as: String.self)
        guard let reviewState = MiniProgramVersion.ReviewState(rawValue: state) else {
            throw unknown("version.review_state", state)
        }
        return MiniProgramVersion(
            appId: try record.get("app_id"), version: number,
            package: PackageReference(
                sha256: try record.get("sha256"), size: Int(try record.get("size", as: Int64.self))),
            scopes: try JSONDecoder().decode(
                [ScopeRequest].self, from: Data(try record.get("scopes", as: String.self).utf8)),
            domains: try JSONDecoder().decode(
                [String].self, from: Data(try record.get("domains", as: String.self).utf8)),
            minimumHostVersion: try Self.version(record.get("minimum_host_version"), "version.minimum_host_version"),
            reviewState: reviewState,
            texts: try JSONDecoder().decode(
                ProgramTexts.self, from: Data(try record.get("texts", as: String.self).utf8)))
    }

    static func miniProgram(_ record: Record) throws -> Catalog.MiniProgram {
        Catalog.MiniProgram(
            id: try record.get("id"), partnerId: try record.get("partner_id"), name: try record.get("name"),
            category: try record.get("category"))
    }
}
