import Catalog
import Foundation

/// Accounts and their API tokens (stored hashed): one aggregate of ``CatalogStore``, which both engines implement.
public protocol AccountStore: Sendable {
    /// Creates an account with one API token (stored hashed).
    func createAccount(_ account: Account, tokenHash: String, at: Date) async throws
    /// True when an account with this id exists.
    func accountExists(id: String) async throws -> Bool
    /// The account an API token (by its hash) belongs to; nil for unknown or revoked tokens.
    func account(forTokenHash hash: String) async throws -> Account?
}
