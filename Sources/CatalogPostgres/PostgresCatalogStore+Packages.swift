import CatalogServer
import Foundation
import PostgresNIO

/// Package bytes, in the database every replica reads (each replica keeps a read cache by digest in its
/// `DATA/packages/`).
extension PostgresCatalogStore: SharedPackageStore {
    public func savePackage(_ data: Data, sha256: String) async throws {
        try await run(
            """
            INSERT INTO package (sha256, stored_at, bytes) VALUES (\(sha256), \(Date().timeIntervalSince1970), \(data))
            ON CONFLICT (sha256) DO NOTHING
            """)
    }

    public func package(sha256: String) async throws -> Data? {
        try await row("SELECT bytes FROM package WHERE sha256 = \(sha256)").map { try $0.get("bytes", as: Data.self) }
    }

    public func removeUnnamedPackages(olderThan age: TimeInterval, now: Date) async throws -> Int {
        try await rows(
            """
            DELETE FROM package
            WHERE stored_at < \(now.timeIntervalSince1970 - age)
              AND NOT EXISTS (SELECT 1 FROM version WHERE version.sha256 = package.sha256)
            RETURNING sha256
            """
        ).count
    }
}
