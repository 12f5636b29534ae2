import Foundation
import GRDB

/// Each customer's favourite services and the ones they opened last: home's shortcuts. The shell's own
/// records, not a mini-program's data.
extension ShellStore {
    /// How many recently opened services are kept per customer.
    public static let recentCount = 5
    /// How many favourites a customer may keep.
    public static let maximumFavourites = 50

    /// Adds a service to the customer's favourites, or takes it off. Adding beyond the maximum does nothing.
    public func setFavourite(user: String, app: String, _ favourite: Bool, at: Date) throws {
        try queue.write { db in
            guard favourite else {
                try db.run("DELETE FROM favourite WHERE user_id = ? AND app_id = ?", [user, app])
                return
            }
            let count = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM favourite WHERE user_id = ?"), arguments: [user])!
            guard count < Self.maximumFavourites else { return }
            try db.run(
                "INSERT OR IGNORE INTO favourite (user_id, app_id, added_at) VALUES (?, ?, ?)",
                [user, app, at.timeIntervalSince1970])
        }
    }

    /// The customer's favourites, newest first.
    public func favourites(user: String) throws -> [String] {
        try queue.read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT app_id FROM favourite WHERE user_id = ? ORDER BY added_at DESC, app_id"),
                arguments: [user])
        }
    }

    /// Remembers that the customer opened a service; only the newest ``recentCount`` stay.
    public func recordOpened(user: String, app: String, at: Date) throws {
        try queue.write { db in
            try db.run(
                "INSERT OR REPLACE INTO recent (user_id, app_id, opened_at) VALUES (?, ?, ?)",
                [user, app, at.timeIntervalSince1970])
            try db.run(
                """
                DELETE FROM recent WHERE user_id = ? AND app_id NOT IN (
                  SELECT app_id FROM recent WHERE user_id = ? ORDER BY opened_at DESC LIMIT ?)
                """, [user, user, Self.recentCount])
        }
    }

    /// The services the customer opened last, newest first.
    public func recents(user: String) throws -> [String] {
        try queue.read { db in
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT app_id FROM recent WHERE user_id = ? ORDER BY opened_at DESC, app_id"),
                arguments: [user])
        }
    }
}
