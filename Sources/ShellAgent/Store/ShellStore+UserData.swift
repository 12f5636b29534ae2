import Catalog
import Foundation
import GRDB
import MiniKit

/// Each user's consents and storage per mini-program, and the notices shown to users.
extension ShellStore {
    // MARK: Consents, storage, notices

    public func consent(user: String, app: String, scope: String) throws -> Bool? {
        try queue.read { db in
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT granted FROM consent WHERE user_id = ? AND app_id = ? AND scope = ?"),
                arguments: [user, app, scope])
        }
    }

    public func setConsent(user: String, app: String, scope: String, granted: Bool) throws {
        try queue.write { db in
            try Self.refuseIfRecalled(app, db)
            try db.run(
                "INSERT OR REPLACE INTO consent (user_id, app_id, scope, granted) VALUES (?, ?, ?, ?)",
                [user, app, scope, granted])
        }
    }

    public func storageValue(user: String, app: String, key: String) throws -> String? {
        try queue.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT value FROM storage WHERE user_id = ? AND app_id = ? AND key = ?"),
                arguments: [user, app, key])
        }
    }

    /// Refused for a recalled mini-program: an instance still closing must not write data back.
    public func setStorageValue(_ value: String?, user: String, app: String, key: String) throws {
        try queue.write { db in
            try Self.refuseIfRecalled(app, db)
            if let value {
                try db.run(
                    "INSERT OR REPLACE INTO storage (user_id, app_id, key, value) VALUES (?, ?, ?, ?)",
                    [user, app, key, value])
            } else {
                try db.run(
                    "DELETE FROM storage WHERE user_id = ? AND app_id = ? AND key = ?",
                    [user, app, key])
            }
        }
    }

    static func refuseIfRecalled(_ app: String, _ db: Database) throws {
        if try Int.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM tombstone WHERE app_id = ? LIMIT 1"), arguments: [app])
            != nil
        {
            throw Recalled(appId: app)
        }
    }

    /// A write for a mini-program that was taken down.
    public struct Recalled: Error, CustomStringConvertible {
        public var appId: String
        public var description: String { "\(appId) was taken down: its data is not kept" }
    }

    /// A mini-program's stored keys and values for a user.
    public func storageEntries(user: String, app: String) throws -> [(key: String, value: String)] {
        try queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT key, value FROM storage WHERE user_id = ? AND app_id = ? ORDER BY key"),
                arguments: [user, app]
            ).map { ($0["key"], $0["value"]) }
        }
    }

    /// A user's consent decisions, by mini-program and scope.
    public func consents(user: String) throws -> [(app: String, scope: String, granted: Bool)] {
        try queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT app_id, scope, granted FROM consent WHERE user_id = ? ORDER BY app_id, scope"),
                arguments: [user]
            ).map { ($0["app_id"], $0["scope"], $0["granted"]) }
        }
    }

    /// What each mini-program keeps for a user: keys and bytes.
    public func storageUse(user: String) throws -> [(app: String, keys: Int, bytes: Int)] {
        try queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT app_id, COUNT(*) AS keys, SUM(LENGTH(key) + LENGTH(value)) AS bytes FROM storage WHERE user_id = ? GROUP BY app_id ORDER BY app_id"
                ), arguments: [user]
            ).map { ($0["app_id"], $0["keys"], $0["bytes"] ?? 0) }
        }
    }

    /// Forgets every installed package (clearing the cache); returns their hashes, whose folders the caller
    /// deletes. The agent downloads what the catalog lists again.
    public func forgetInstalled() throws -> [String] {
        try queue.write { db in
            let hashes = try String.fetchAll(db.cachedStatement(sql: "SELECT sha256 FROM installed"))
            try db.run("DELETE FROM installed")
            return hashes
        }
    }

    /// Rows of storage and consents a mini-program has on this shell (for every user).
    public func dataRows(app: String) throws -> Int {
        try queue.read { db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM storage WHERE app_id = ?"), arguments: [app])!
                + Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM consent WHERE app_id = ?"), arguments: [app])!
        }
    }

    /// A notice for the user: a mini-program was taken down.
    public struct Notice: Sendable, Hashable {
        public var id: Int64
        public var appId: String
        /// The service's name as the catalog listed it.
        public var service: String
        /// Why it was taken down, as operations wrote it.
        public var reason: String
        public var at: Date
        public var seen: Bool
    }

    public func notices() throws -> [Notice] {
        try queue.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM notice ORDER BY id DESC LIMIT 100")).map { row in
                Notice(
                    id: row["id"], appId: row["app_id"], service: row["service"], reason: row["reason"],
                    at: Date(timeIntervalSince1970: row["at"]), seen: row["seen"])
            }
        }
    }

    public func markNoticeSeen(_ id: Int64) throws {
        try queue.write { db in try db.run("UPDATE notice SET seen = 1 WHERE id = ?", [id]) }
    }
}
