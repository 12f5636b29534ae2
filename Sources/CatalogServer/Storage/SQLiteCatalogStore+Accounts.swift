import Catalog
import Foundation
import GRDB
import MiniKit

/// Accounts, API tokens and the audit log.
extension SQLiteCatalogStore {
    public func createAccount(_ account: Account, tokenHash: String, at: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO account (id, name, role, created_at) VALUES (?, ?, ?, ?)",
                arguments: [account.id, account.name, account.role.description, at.timeIntervalSince1970])
            try db.execute(
                sql: "INSERT INTO api_token (hash, account_id, created_at) VALUES (?, ?, ?)",
                arguments: [tokenHash, account.id, at.timeIntervalSince1970])
        }
    }

    public func accountExists(id: String) async throws -> Bool {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT 1 FROM account WHERE id = ?", arguments: [id]) != nil
        }
    }

    public func account(forTokenHash hash: String) async throws -> Account? {
        try await pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT account.id, account.name, account.role FROM api_token
                        JOIN account ON account.id = api_token.account_id
                        WHERE api_token.hash = ? AND api_token.revoked = 0
                        """, arguments: [hash])
            else { return nil }
            let text: String = row["role"]
            guard let role = Role(text) else { throw UnknownStoredValue(table: "account", column: "role", value: text) }
            return Account(id: row["id"], name: row["name"], role: role)
        }
    }

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await pool.write { db in try Self.insert(entry, db) }
    }

    static func insert(_ entry: AuditEntry, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO audit_log (at, actor, action, target, reason, organisation) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                entry.at.timeIntervalSince1970, entry.actor, entry.action, entry.target, entry.reason,
                entry.organisation,
            ])
    }

    public func auditLog(limit: Int, organisation: String?) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: organisation == nil
                    ? "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?"
                    : "SELECT * FROM audit_log WHERE organisation = ? ORDER BY id DESC LIMIT ?",
                arguments: StatementArguments(
                    organisation.map { [$0, max(0, limit)] as [any DatabaseValueConvertible] } ?? [max(0, limit)])
            ).map { row in
                AuditEntry(
                    at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"], action: row["action"],
                    target: row["target"], reason: row["reason"], organisation: row["organisation"])
            }
        }
    }
}
