import Catalog
import CatalogServer
import Foundation
import PostgresNIO

/// Accounts, API tokens and the audit log.
extension PostgresCatalogStore {
    public func createAccount(_ account: Account, tokenHash: String, at: Date) async throws {
        try await transaction { transaction in
            try await transaction.run(
                """
                INSERT INTO account (id, name, role, created_at)
                VALUES (\(account.id), \(account.name), \(account.role.description), \(at.timeIntervalSince1970))
                """)
            try await transaction.run(
                """
                INSERT INTO api_token (hash, account_id, created_at)
                VALUES (\(tokenHash), \(account.id), \(at.timeIntervalSince1970))
                """)
        }
    }

    public func accountExists(id: String) async throws -> Bool {
        try await row("SELECT 1 AS found FROM account WHERE id = \(id)") != nil
    }

    public func account(forTokenHash hash: String) async throws -> Account? {
        guard
            let record = try await row(
                """
                SELECT account.id, account.name, account.role FROM api_token
                JOIN account ON account.id = api_token.account_id
                WHERE api_token.hash = \(hash) AND NOT api_token.revoked
                """)
        else { return nil }
        let text = try record.get("role", as: String.self)
        guard let role = Role(text) else { throw UnknownStoredValue(table: "account", column: "role", value: text) }
        return Account(id: try record.get("id"), name: try record.get("name"), role: role)
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await transaction { transaction in try await transaction.audit(entry) }
    }

    public func auditLog(limit: Int, organisation: String?) async throws -> [AuditEntry] {
        let limit = Int64(max(0, limit))
        let records =
            if let organisation {
                try await rows(
                    "SELECT * FROM audit_log WHERE organisation = \(organisation) ORDER BY id DESC LIMIT \(limit)")
            } else {
                try await rows("SELECT * FROM audit_log ORDER BY id DESC LIMIT \(limit)")
            }
        return try records.map { record in
            AuditEntry(
                at: try record.date("at"), actor: try record.get("actor"), action: try record.get("action"),
                target: try record.get("target"), reason: try record.get("reason"),
                organisation: try record.get("organisation"))
        }
    }
}
