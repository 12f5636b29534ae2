import Catalog
import Foundation

/// Packages on disk, content-addressed: `DATA/packages/SHA256.zip`, written once, never changed.
public struct PackageStore: Sendable {
    public let directory: URL

    public init(dataDirectory: URL) throws {
        directory = dataDirectory.appendingPathComponent("packages")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A write cut off by a crash leaves only a temporary file, never a package under its digest.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Lowercase hex SHA-256 of the bytes.
    public static func digest(_ data: Data) -> String { PackageReference.digest(of: data) }

    /// Stores the bytes under their digest (temporary file, fsync'd, then renamed: never half a package).
    @discardableResult
    public func put(_ data: Data) throws -> String {
        let digest = Self.digest(data)
        let target = url(for: digest)
        guard !FileManager.default.fileExists(atPath: target.path) else { return digest }
        let temporary = directory.appendingPathComponent(".\(digest).\(UUID().uuidString).tmp")
        try data.write(to: temporary, options: .atomic)
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.synchronize()
        try handle.close()
        do {
            try FileManager.default.moveItem(at: temporary, to: target)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if !FileManager.default.fileExists(atPath: target.path) { throw error }
        }
        return digest
    }

    /// The bytes of a stored package, or nil.
    public func get(_ digest: String) -> Data? {
        guard Self.isDigest(digest) else { return nil }
        return try? Data(contentsOf: url(for: digest))
    }

    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    private func url(for digest: String) -> URL { directory.appendingPathComponent("\(digest).zip") }
}
