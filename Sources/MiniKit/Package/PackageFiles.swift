import Foundation
import ZIPFoundation

/// The files of a mini-program, by path inside the package, read from a folder or a zip with every
/// limit of ``MiniKitLimits`` enforced. Nothing is ever written to disk while reading.
public struct PackageFiles: Sendable, Hashable {
    public private(set) var files: [String: Data]

    public init(_ files: [String: Data]) { self.files = files }

    /// Paths in byte order, which is also the order packages are written in.
    public var paths: [String] { files.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    /// The total unpacked size.
    public var totalSize: Int { files.values.reduce(0) { $0 + $1.count } }

    // MARK: Reading a zip

    /// Reads a package (zip) held in memory.
    public static func unpack(_ data: Data) throws(Diagnostic) -> PackageFiles {
        PackageFiles(try unpackContents(data).mapValues { Data($0) })
    }

    /// The files of a package as bytes by path, with every limit: what `unpack` reads, without wrapping each
    /// file in `Data` (``MiniProgram/load(package:)`` reads the bytes as they come out of inflate).
    static func unpackContents(_ data: Data) throws(Diagnostic) -> [String: [UInt8]] {
        guard data.count <= MiniKitLimits.maximumPackageSize else {
            throw .error(
                "limit.package-size",
                "the package is \(data.count) bytes, more than the limit of \(MiniKitLimits.maximumPackageSize / 1024 / 1024) MiB"
            )
        }
        // Our own strict reader: no byte of an upload reaches a zip library (see docs/SECURITY.md).
        let bytes = [UInt8](data)
        let entries = try ZipReader(bytes).entries()
        var files: [String: [UInt8]] = [:]
        var declaredTotal = 0
        var checked: [ZipReader.Entry] = []
        for entry in entries {
            let path = entry.path
            try validate(path: path)
            switch entry.kind {
            case .symbolicLink:
                throw .error("package.link", "'\(path)' is a symbolic link; packages may hold only files and folders")
            case .directory:
                continue
            case .file:
                break
            }
            guard files[path] == nil else {
                throw .error("package.duplicate", "'\(path)' appears twice in the package")
            }
            // Every size is checked before a byte is inflated: the sum of the declared sizes bounds the work.
            declaredTotal += entry.uncompressedSize
            guard declaredTotal <= MiniKitLimits.maximumUnpackedSize else {
                throw .error(
                    "limit.unpacked-size",
                    "the package unpacks to more than \(MiniKitLimits.maximumUnpackedSize / 1024 / 1024) MiB")
            }
            guard entry.uncompressedSize / max(1, entry.data.count) <= MiniKitLimits.maximumCompressionRatio else {
                throw .error(
                    "limit.compression-ratio",
                    "'\(path)' is compressed more than \(MiniKitLimits.maximumCompressionRatio):1 (a zip bomb?)")
            }
            files[path] = []
            checked.append(entry)
        }
        guard declaredTotal / max(1, data.count) <= MiniKitLimits.maximumCompressionRatio else {
            throw .error(
                "limit.compression-ratio",
                "the package is compressed more than \(MiniKitLimits.maximumCompressionRatio):1 (a zip bomb?)")
        }
        // Only entries that passed every check inflate; a large package inflates on all cores.
        let entriesToInflate = checked
        let results = concurrentMap(checked.count, concurrently: declaredTotal >= 256 * 1024) { index in
            let entry = entriesToInflate[index]
            return Result { () throws(Diagnostic) in
                try Inflater.inflate(
                    bytes[entry.data], method: entry.method, size: entry.uncompressedSize, crc32: entry.crc32,
                    path: entry.path)
            }
        }
        // Sizes, paths and ratios were all checked above; of the entries' inflate failures, the first in the
        // package's order is the one reported, however the work was spread.
        for (entry, result) in zip(checked, results) {
            files[entry.path] = try result.get()
        }
        return files
    }

    /// Refuses absolute paths, `..`, backslashes, empty components and over-long paths.
    static func validate(path: String) throws(Diagnostic) {
        let notes = ["package paths are relative, use '/', and never leave the package"]
        guard !path.isEmpty, path.utf8.count <= MiniKitLimits.maximumPathLength else {
            throw .error(
                "package.path", "a path is empty or longer than \(MiniKitLimits.maximumPathLength) bytes", notes: notes)
        }
        guard !path.hasPrefix("/"), !path.contains("\\"), !path.contains("\0"),
            !(path.count >= 2 && path.dropFirst().first == ":")
        else {
            throw .error("package.path", "'\(path)' is an absolute path", notes: notes)
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        let trimmed = path.hasSuffix("/") ? components.dropLast() : components[...]
        guard !trimmed.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw .error("package.path", "'\(path)' contains '..', '.' or an empty component", notes: notes)
        }
    }

    // MARK: Reading a folder

    /// Reads a source folder. Files whose name starts with '.' are skipped; links are refused.
    public static func read(folder: URL) throws(Diagnostic) -> PackageFiles {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .error("package.folder", "'\(folder.path)' is not a folder")
        }
        var files: [String: Data] = [:]
        var total = 0
        var count = 0
        func walk(_ directory: URL, prefix: String) throws(Diagnostic) {
            let names: [String]
            do {
                names = try manager.contentsOfDirectory(atPath: directory.path).sorted()
            } catch {
                throw .error("package.folder", "cannot list '\(directory.path)': \(error.localizedDescription)")
            }
            for name in names where !name.hasPrefix(".") {
                let url = directory.appendingPathComponent(name)
                let path = prefix + name
                let attributes = try? manager.attributesOfItem(atPath: url.path)
                let type = attributes?[.type] as? FileAttributeType
                count += 1
                guard count <= MiniKitLimits.maximumFileCount else {
                    throw .error("limit.file-count", "the folder has more than \(MiniKitLimits.maximumFileCount) files")
                }
                try validate(path: path)
                if type == .typeSymbolicLink {
                    throw .error(
                        "package.link", "'\(path)' is a symbolic link; packages may hold only files and folders")
                } else if type == .typeDirectory {
                    try walk(url, prefix: path + "/")
                } else if type == .typeRegular {
                    let size = (attributes?[.size] as? Int) ?? 0
                    total += size
                    guard total <= MiniKitLimits.maximumUnpackedSize else {
                        throw .error(
                            "limit.unpacked-size",
                            "the folder holds more than \(MiniKitLimits.maximumUnpackedSize / 1024 / 1024) MiB")
                    }
                    do {
                        files[path] = try Data(contentsOf: url)
                    } catch {
                        throw .error("package.folder", "cannot read '\(path)': \(error.localizedDescription)")
                    }
                } else {
                    throw .error("package.file-type", "'\(path)' is not a regular file")
                }
            }
        }
        try walk(folder, prefix: "")
        return PackageFiles(files)
    }

    /// Reads a folder or a package file, whichever `url` is.
    public static func read(_ url: URL) throws(Diagnostic) -> PackageFiles {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .error("package.missing", "'\(url.path)' does not exist")
        }
        if isDirectory.boolValue { return try read(folder: url) }
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path)
        // A pipe or a device (/dev/zero) would be read without end.
        guard attributes?[.type] as? FileAttributeType == .typeRegular else {
            throw .error("package.file-type", "'\(url.path)' is neither a folder nor a regular file")
        }
        if let size = attributes?[.size] as? Int, size > MiniKitLimits.maximumPackageSize {
            throw .error(
                "limit.package-size",
                "the package is \(size) bytes, more than the limit of \(MiniKitLimits.maximumPackageSize / 1024 / 1024) MiB"
            )
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .error("package.missing", "cannot read '\(url.path)': \(error.localizedDescription)")
        }
        return try unpack(data)
    }

    // MARK: Writing

    /// A deterministic zip of the files: sorted paths, fixed timestamps and permissions, deflate.
    /// The same files always give the same bytes.
    public func pack() throws(Diagnostic) -> Data {
        let epoch = Date(timeIntervalSince1970: 315_532_800)  // 1980-01-01T00:00:00Z, the earliest zip time
        do {
            return try Self.withZipWriterLock { () throws -> Data in
                try write(epoch: epoch)
            }
        } catch {
            throw .error("package.write", "cannot write the package: \(error)")
        }
    }

    private static let zipWriterLock = NSLock()

    /// Runs `body` while no other zip is being written in this process. ZIPFoundation's writer converts dates
    /// with `gmtime()`, whose result is shared by all threads: two writers at once can swap each other's
    /// timestamps, and a package would no longer be byte-for-byte deterministic. Every zip writer takes this lock.
    public static func withZipWriterLock<T>(_ body: () throws -> T) rethrows -> T {
        zipWriterLock.lock()
        defer { zipWriterLock.unlock() }
        return try body()
    }

    private func write(epoch: Date) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for path in paths {
            let content = files[path]!
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(content.count), modificationDate: epoch,
                permissions: 0o644, compressionMethod: .deflate
            ) { position, size in
                content.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        guard let data = archive.data else { throw CocoaError(.fileWriteUnknown) }
        return data
    }
}
