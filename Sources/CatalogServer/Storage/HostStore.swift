import Catalog
import Foundation

/// Host apps, their keys and whom their catalogs believe about their users: one aggregate of ``CatalogStore``,
/// which both engines implement.
public protocol HostStore: Sendable {
    /// Every host app, by id.
    func hostApps() async throws -> [HostApp]
    func hostApp(id: String) async throws -> HostApp?
    /// Creates or replaces a host app, with its audit entry in the same transaction.
    func saveHostApp(_ host: HostApp, audit: AuditEntry?) async throws
    /// Activates or deactivates a host app, with its audit entry, changing nothing else of it (a concurrent
    /// change of its user trust is never written back over); false when there is no such host.
    func setHostActive(hostId: String, active: Bool, audit: AuditEntry?) async throws -> Bool
    /// Sets how a host app presents itself (nil: the shell's own look); false when there is no such host.
    func setBrand(hostId: String, brand: HostBrand?, audit: AuditEntry?) async throws -> Bool
    /// Replaces whom a host app's catalog believes about its users, with its audit entry, changing nothing else
    /// of it; false when there is no such host.
    func setUserTrust(hostId: String, userKeys: [String], clientProperties: [String], audit: AuditEntry?) async throws
        -> Bool
    /// Creates a host app with the hash of its key and the audit entry, in one transaction; false when the id
    /// exists (nothing changes then).
    func createHostApp(_ host: HostApp, keyHash: String, audit: AuditEntry?) async throws -> Bool
    /// Stores the hash of a host app's key (the shells' credential), replacing any earlier one, with the
    /// audit entry in the same transaction.
    func setHostKey(hostId: String, hash: String, audit: AuditEntry?) async throws
    /// The host whose key has this hash.
    func host(forKeyHash hash: String) async throws -> String?
    /// Every organisation, by id; the bank's is always among them.
    func organisations() async throws -> [Organisation]
    /// Creates an organisation with its audit entry; false when the id exists (nothing changes then).
    func createOrganisation(_ organisation: Organisation, audit: AuditEntry?) async throws -> Bool
}
