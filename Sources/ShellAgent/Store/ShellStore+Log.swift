import Catalog
import Foundation
import GRDB
import MiniKit

/// The bounded sync log.
extension ShellStore {
    // MARK: Sync log

    /// One line of the sync log (what the agent did, refused or noticed).
    public struct LogLine: Sendable, Hashable {
        public var at: Date
        public var kind: String
        public var detail: String
    }

    public func log(_ kind: String, _ detail: String, at: Date) throws {
        try queue.write { db in try Self.insertLog(kind, detail, at: at, db) }
    }

    static func insertLog(_ kind: String, _ detail: String, at: Date, _ db: Database) throws {
        try db.run(
            "INSERT INTO sync_log (at, kind, detail) VALUES (?, ?, ?)",
            [at.timeIntervalSince1970, kind, String(detail.prefix(2_000))])
        // Bounded: the newest 1,000 lines stay.
        try db.run("DELETE FROM sync_log WHERE id <= (SELECT MAX(id) FROM sync_log) - 1000")
    }

    public func logLines(limit: Int = 200) throws -> [LogLine] {
        try queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM sync_log ORDER BY id DESC LIMIT ?"), arguments: [limit]
            ).map {
                LogLine(at: Date(timeIntervalSince1970: $0["at"]), kind: $0["kind"], detail: $0["detail"])
            }
        }
    }
}
