import Catalog
import Foundation
import MiniSupport

/// Partners, mini-programs, uploaded versions and their reviews: one aggregate of ``CatalogStore``, which both
/// engines implement.
public protocol ProgramStore: Sendable {
    /// Creates a partner; false when the id exists.
    func createPartner(id: String, name: String) async throws -> Bool
    /// The partner's name for people; nil when there is no such partner.
    func partnerName(_ id: String) async throws -> String?
    /// Creates a mini-program; false when the id exists.
    func createMiniProgram(_ program: Catalog.MiniProgram) async throws -> Bool
    func miniProgram(id: String) async throws -> Catalog.MiniProgram?
    /// Mini-programs, of one partner or of all.
    func miniPrograms(partner: String?) async throws -> [Catalog.MiniProgram]
    /// Records an uploaded version with its review report (JSON) and the audit entry, in one transaction;
    /// false when that version exists.
    func addVersion(_ version: MiniProgramVersion, report: String, uploadedBy: String, at: Date, audit: AuditEntry?)
        async throws -> Bool
    func versions(appId: String) async throws -> [MiniProgramVersion]
    func version(appId: String, version: SemanticVersion) async throws -> StoredVersion?
    /// The digest of every stored version's package: what the package folder must keep.
    func packageDigests() async throws -> Set<String>
    /// The partners whose versions name this package (one, unless two uploads had the same bytes).
    func packageOwners(sha256: String) async throws -> Set<String>
    /// Versions waiting for review, oldest first.
    func versionsInReview() async throws -> [StoredVersion]
    /// Records a review decision and the version's new state in one transaction; false when the version
    /// was not in `expectedState` any more (a concurrent decision won).
    func recordReview(
        _ review: ReviewDecision, newState: MiniProgramVersion.ReviewState,
        expectedState: MiniProgramVersion.ReviewState, audit: AuditEntry?
    ) async throws -> Bool
}
