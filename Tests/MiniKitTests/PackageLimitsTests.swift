import Foundation
import Testing
import ZIPFoundation

@testable import MiniKit

struct PackageLimitsTests {
    /// A zip written entry by entry, so tests can make the hostile ones a packer never would.
    static func zip(_ entries: [(path: String, data: Data, type: Entry.EntryType)], compress: Bool = true) throws
        -> Data
    {
        let archive = try Archive(data: Data(), accessMode: .create)
        for entry in entries {
            try archive.addEntry(
                with: entry.path, type: entry.type, uncompressedSize: Int64(entry.data.count),
                compressionMethod: compress ? .deflate : .none
            ) { position, size in
                entry.data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data!
    }

    static func file(_ path: String, _ text: String = "x") -> (path: String, data: Data, type: Entry.EntryType) {
        (path, Data(text.utf8), .file)
    }

    func refusal(_ data: Data) -> String? {
        do {
            _ = try PackageFiles.unpack(data)
            return nil
        } catch {
            return "\(error.code): \(error.message)"
        }
    }

    @Test(
        "paths that leave the package are refused",
        arguments: ["../evil.txt", "pages/../../evil", "/etc/passwd", "pages//a", "./a", "C:/x", "a\\b"])
    func escapingPaths(_ path: String) throws {
        let message = refusal(try Self.zip([Self.file("manifest.json"), Self.file(path)]))
        #expect(message?.hasPrefix("package.path:") == true, "\(message ?? "accepted")")
    }

    @Test func links() throws {
        let message = refusal(
            try Self.zip([Self.file("manifest.json"), ("pages/link", Data("/etc/passwd".utf8), .symlink)]))
        #expect(message == "package.link: 'pages/link' is a symbolic link; packages may hold only files and folders")
    }

    @Test func duplicates() throws {
        let message = refusal(
            try Self.zip([Self.file("manifest.json"), Self.file("pages/a.mml"), Self.file("pages/a.mml", "y")]))
        #expect(message == "package.duplicate: 'pages/a.mml' appears twice in the package")
    }

    @Test func packageSize() {
        #expect(refusal(Data(count: MiniKitLimits.maximumPackageSize + 1))?.hasPrefix("limit.package-size:") == true)
        #expect(refusal(Data("not a zip".utf8))?.hasPrefix("package.zip:") == true)
    }

    @Test("a zip bomb is refused by its compression ratio")
    func compressionRatio() throws {
        let bomb = try Self.zip([("pages/bomb.mml", Data(count: 3 * 1024 * 1024), .file)])
        #expect(bomb.count < 100_000)
        #expect(refusal(bomb)?.hasPrefix("limit.compression-ratio:") == true)
    }

    @Test("more than 10 MiB unpacked is refused")
    func unpackedSize() throws {
        var generator = SplitMix(seed: 7)
        // Two symbols: about 8:1 under deflate, so 11 MiB fits in a package under 2 MiB and under 100:1.
        let chunk = Data(
            (0..<(1024 * 1024)).map { _ in generator.next() & 1 == 0 ? UInt8(ascii: "a") : UInt8(ascii: "b") })
        let entries = (0..<11).map { (path: "data/\($0).txt", data: chunk, type: Entry.EntryType.file) }
        let zip = try Self.zip(entries)
        #expect(zip.count < MiniKitLimits.maximumPackageSize)
        #expect(refusal(zip)?.hasPrefix("limit.unpacked-size:") == true)
    }

    @Test("more than 1,000 files are refused")
    func fileCount() throws {
        let entries = (0...1_000).map { Self.file("f\($0)") }
        #expect(refusal(try Self.zip(entries, compress: false))?.hasPrefix("limit.file-count:") == true)
    }

    @Test("packing is deterministic and round-trips")
    func deterministicPack() throws {
        let files = TestApp.files([
            "pages/index.mml": "<text>你好 {{ name }}</text>", "pages/index.logic": "data { name: '李' }",
        ])
        let first = try files.pack()
        let second = try PackageFiles(files.files).pack()
        #expect(first == second)
        #expect(try PackageFiles.unpack(first) == files)
        #expect(MiniProgram.load(try PackageFiles.unpack(first)).program != nil)
    }

    @Test("a device or a pipe given as a package is refused before it is read")
    func notAFile() throws {
        #expect { try PackageFiles.read(URL(fileURLWithPath: "/dev/zero")) } throws: {
            ($0 as? Diagnostic)?.code == "package.file-type"
        }
        let pipe = FileManager.default.temporaryDirectory.appendingPathComponent("minikit-\(UUID().uuidString).zip")
        #expect(mkfifo(pipe.path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(at: pipe) }
        #expect { try PackageFiles.read(pipe) } throws: { ($0 as? Diagnostic)?.code == "package.file-type" }
    }

    @Test("folders: links are refused, dot-files skipped")
    func folders() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("minikit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("pages"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("{}".utf8).write(to: folder.appendingPathComponent("manifest.json"))
        try Data("x".utf8).write(to: folder.appendingPathComponent(".DS_Store"))
        #expect(try PackageFiles.read(folder: folder).paths == ["manifest.json"])
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("pages/secret").path, withDestinationPath: "/etc/passwd")
        #expect { try PackageFiles.read(folder: folder) } throws: { ($0 as? Diagnostic)?.code == "package.link" }
    }
}

/// A small deterministic random generator for test data.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
