import Catalog
import Foundation

/// Verified packages on disk: `DIR/packages/SHA256/package.zip`. A package is written into a staging folder,
/// synced, then renamed into place, so a folder under a hash is always whole; anything else found at start
/// (staging folders, folders no installed row names) is removed.
public struct PackageCache: Sendable {
    public let directory: URL

    public init(dataDirectory: URL) throws {
        directory = dataDirectory.appendingPathComponent("packages")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Lowercase hex SHA-256.
    public static func digest(_ data: Data) -> String { PackageReference.digest(of: data) }

    /// The package file of an installed hash.
    public func packageFile(_ sha256: String) -> URL {
        directory.appendingPathComponent(sha256).appendingPathComponent("package.zip")
    }

    public func contains(_ sha256: String) -> Bool {
        FileManager.default.fileExists(atPath: packageFile(sha256).path)
    }

    /// Writes verified bytes under their hash: staging folder, fsync, rename.
    public func install(_ data: Data, sha256: String) throws {
        let target = directory.appendingPathComponent(sha256)
        if FileManager.default.fileExists(atPath: target.path) { return }
        let staging = directory.appendingPathComponent(".staging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        do {
            let file = staging.appendingPathComponent("package.zip")
            try data.write(to: file)
            let handle = try FileHandle(forWritingTo: file)
            try handle.synchronize()
            try handle.close()
            try FileManager.default.moveItem(at: staging, to: target)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            if !FileManager.default.fileExists(atPath: target.path) { throw error }
        }
    }

    /// Deletes a package: its file, then its folder. Two system calls (FileManager's recursive removal costs
    /// half a millisecond, which a thousand recalls feel); anything unexpected left in the folder is removed
    /// the slow way.
    public func remove(_ sha256: String) {
        let folder = directory.path + "/" + sha256
        _ = unlink(folder + "/package.zip")
        if rmdir(folder) != 0, errno != ENOENT {
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// Removes packages on a thread of its own and resumes when they are gone: deleting a file can wait for
    /// the disk (ext4 with online discard does), which must not hold one of the few cooperative threads. One
    /// queue at the highest priority, first come first served, so a burst of recalls finishes in order.
    public func removeSuspending(_ hashes: [String]) async {
        guard !hashes.isEmpty else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Self.removals.async {
                for sha in hashes { remove(sha) }
                continuation.resume()
            }
        }
    }

    private static let removals = DispatchQueue(label: "package-removal", qos: .userInteractive)

    /// Removes staging and trash folders and every package folder not in `keeping`.
    public func cleanUp(keeping: Set<String>) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(".") || !keeping.contains(name) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Hashes with a folder on disk.
    public func hashesOnDisk() -> Set<String> {
        Set(
            ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }
        )
    }
}
