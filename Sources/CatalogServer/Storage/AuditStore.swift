import Catalog
import Foundation

/// The audit log: who did what to what, when and why, kept forever: one aggregate of ``CatalogStore``, which both
/// engines implement.
public protocol AuditStore: Sendable {
    /// Appends to the audit log.
    func appendAudit(_ entry: AuditEntry) async throws
    /// The newest audit entries first; with `organisation`, only the entries about its host apps.
    func auditLog(limit: Int, organisation: String?) async throws -> [AuditEntry]
}

extension AuditStore {
    /// The newest audit entries first.
    public func auditLog(limit: Int) async throws -> [AuditEntry] {
        try await auditLog(limit: limit, organisation: nil)
    }
}
