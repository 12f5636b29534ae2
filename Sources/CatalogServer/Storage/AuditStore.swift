import Catalog
import Foundation

/// The audit log: who did what to what, when and why, kept forever: one aggregate of ``CatalogStore``, which both
/// engines implement.
public protocol AuditStore: Sendable {
    /// Appends to the audit log.
    func appendAudit(_ entry: AuditEntry) async throws
    /// The newest audit entries first.
    func auditLog(limit: Int) async throws -> [AuditEntry]
}
