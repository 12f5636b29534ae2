import Catalog
import Foundation

/// Packages on disk, content-addressed: `DATA/packages/SHA256.zip`, written once, never changed. With replicas,
/// the bytes live in the shared database and the folder is each replica's read cache, filled on first read.
public struct PackageStore: Sendable {
    public let directory: URL
    /// Where every replica finds the bytes (PostgreSQL); nil when this folder is the only copy (SQLite).
    public let shared: (any SharedPackageStore)?

    public init(dataDirectory: URL, shared: (any SharedPackageStore)? = nil) throws {
        self.shared = shared
        directory = dataDirectory.appendingPathComponent("packages")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A write cut off by a crash leaves only a temporary file, never a package under its digest: whatever
        // is not named DIGEST.zip is such a file (ours, or one a library wrote), and goes.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        where Self.digest(fromFileName: name) == nil {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Removes every package that no version row names (a crash between writing the file and committing its
    /// row leaves one). Call it at start-up, before any upload can be under way; returns what it removed.
    @discardableResult
    public func removePackages(notIn kept: Set<String>) -> [String] {
        var removed: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] {
            guard let digest = Self.digest(fromFileName: name), !kept.contains(digest) else { continue }
            if (try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))) != nil {
                removed.append(digest)
            }
        }
        return removed.sorted()
    }

    /// The digest of a package file's name (`DIGEST.zip`), or nil for any other name.
    static func digest(fromFileName name: String) -> String? {
        guard name.hasSuffix(".zip") else { return nil }
        let digest = String(name.dropLast(4))
        return isDigest(digest) ? digest : nil
    }

    /// Lowercase hex SHA-256 of the bytes.
    public static func digest(_ data: Data) -> String { PackageReference.digest(of: data) }

    /// Stores the bytes under their digest: in the shared database first, when there is one (any replica may
    /// serve them next), then in the folder.
    @discardableResult
    public func put(_ data: Data) async throws -> String {
        let digest = Self.digest(data)
        try await shared?.savePackage(data, sha256: digest)
        return try write(data, digest: digest)
    }

    /// Writes the bytes to the folder (temporary file, fsync'd, then renamed: never half a package).
    @discardableResult
    private func write(_ data: Data, digest: String) throws -> String {
        let target = url(for: digest)
        guard !FileManager.default.fileExists(atPath: target.path) else { return digest }
        let temporary = directory.appendingPathComponent(".\(digest).\(UUID().uuidString).tmp")
        // Written in place (not `.atomic`, which adds a temporary file of its own), flushed, then renamed.
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        let handle = try FileHandle(forWritingTo: temporary)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        do {
            try FileManager.default.moveItem(at: temporary, to: target)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if !FileManager.default.fileExists(atPath: target.path) { throw error }
        }
        // The rename itself is durable only once the folder is flushed: before the row that names the file.
        let folder = open(directory.path, O_RDONLY | O_DIRECTORY)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
        return digest
    }

    /// The bytes of a stored package, or nil: from the folder, else from the shared database (and kept in the
    /// folder for the next read).
    public func get(_ digest: String) async throws -> Data? {
        guard Self.isDigest(digest) else { return nil }
        if let data = try? Data(contentsOf: url(for: digest)) { return data }
        guard let shared, let data = try await shared.package(sha256: digest) else { return nil }
        // Bytes that are not what their name says are never served (nor cached).
        guard Self.digest(data) == digest else { throw CorruptPackage(sha256: digest) }
        try? write(data, digest: digest)
        return data
    }

    static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    private func url(for digest: String) -> URL { directory.appendingPathComponent("\(digest).zip") }
}

/// The package bytes every replica reads: the shared database's `package` table (bytea, at most the package
/// size limit each).
public protocol SharedPackageStore: Sendable {
    /// Stores a package's bytes under their digest; nothing when they are stored already.
    func savePackage(_ data: Data, sha256: String) async throws
    /// A package's bytes, or nil.
    func package(sha256: String) async throws -> Data?
    /// Removes the packages no version names that were stored more than `age` ago (an upload cut off between
    /// its bytes and its version; a younger one may be an upload still under way on another replica).
    func removeUnnamedPackages(olderThan age: TimeInterval, now: Date) async throws -> Int
}

/// Stored bytes that do not hash to their name.
public struct CorruptPackage: Error, Sendable, CustomStringConvertible {
    public var sha256: String
    public var description: String { "the stored package \(sha256) does not match its digest" }
}
