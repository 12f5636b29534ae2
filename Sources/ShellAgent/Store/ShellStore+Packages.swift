import Catalog
import Foundation
import GRDB
import MiniKit
import MiniSupport

/// Installed packages.
extension ShellStore {
    // MARK: Installed packages

    /// One installed package.
    public struct InstalledPackage: Sendable, Hashable {
        public var appId: String
        public var version: SemanticVersion
        public var sha256: String
        public var size: Int

        public init(appId: String, version: SemanticVersion, sha256: String, size: Int) {
            self.appId = appId
            self.version = version
            self.sha256 = sha256
            self.size = size
        }
    }

    public func installed() throws -> [InstalledPackage] {
        try queue.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM installed ORDER BY app_id, version")).compactMap(
                Self.installed)
        }
    }

    public func installed(sha256: String) throws -> InstalledPackage? {
        try queue.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM installed WHERE sha256 = ?"), arguments: [sha256])
                .flatMap(
                    Self.installed)
        }
    }

    /// Records an installed package, unless its mini-program was recalled meanwhile (false then).
    public func recordInstalled(_ package: InstalledPackage, host: String, at: Date) throws -> Bool {
        try queue.write { db in
            guard
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT 1 FROM tombstone WHERE host_id = ? AND app_id = ?"),
                    arguments: [host, package.appId]) == nil
            else { return false }
            try db.run(
                """
                INSERT OR REPLACE INTO installed (sha256, app_id, version, size, installed_at)
                VALUES (?, ?, ?, ?, ?)
                """,
                [
                    package.sha256, package.appId, package.version.description, package.size, at.timeIntervalSince1970,
                ])
            return true
        }
    }

    public func removeInstalled(sha256: String) throws {
        try queue.write { db in try db.run("DELETE FROM installed WHERE sha256 = ?", [sha256]) }
    }
}
