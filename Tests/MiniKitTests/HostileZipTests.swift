import Foundation
import Testing

@testable import MiniKit

/// Zip structures no packer writes, built byte by byte: each must be refused with a diagnostic, quickly,
/// without a trap, a spin or a read outside the bytes.
struct HostileZipTests {
    /// A zip written field by field, so that any field can lie.
    struct RawZip {
        struct Item {
            var name: String
            var data: [UInt8]
            var method: UInt16 = 0
            var crc32: UInt32? = nil
            var compressedSize: UInt32? = nil
            var uncompressedSize: UInt32
            var flags: UInt16 = 0
            var localName: String? = nil
            var localMethod: UInt16? = nil
            var localOffset: UInt32? = nil
            var madeBy: UInt16 = 0x031E
            var externalAttributes: UInt32 = 0o100644 << 16

            /// A stored file.
            init(_ name: String, _ text: String) {
                self.name = name
                data = Array(text.utf8)
                uncompressedSize = UInt32(data.count)
            }

            /// A deflated file from raw deflate bytes, with the size and CRC-32 it claims.
            init(_ name: String, deflated: [UInt8], claims content: [UInt8]) {
                self.name = name
                data = deflated
                method = 8
                uncompressedSize = UInt32(content.count)
                crc32 = Inflater.checksum(content)
            }
        }

        var items: [Item]
        var entryCount: UInt16? = nil
        var directoryOffsetShift: Int = 0
        var directorySizeShift: Int = 0
        var disk: UInt16 = 0

        var bytes: [UInt8] {
            var out: [UInt8] = []
            var central: [UInt8] = []
            for item in items {
                let offset = UInt32(out.count)
                let crc = item.crc32 ?? Inflater.checksum(item.data)
                let localName = Array((item.localName ?? item.name).utf8)
                out += le32(0x0403_4B50) + le16(20) + le16(item.flags) + le16(item.localMethod ?? item.method)
                out += le16(0) + le16(0x21) + le32(crc) + le32(item.compressedSize ?? UInt32(item.data.count))
                out += le32(item.uncompressedSize) + le16(UInt16(localName.count)) + le16(0) + localName + item.data
                let name = Array(item.name.utf8)
                central += le32(0x0201_4B50) + le16(item.madeBy) + le16(20) + le16(item.flags) + le16(item.method)
                central += le16(0) + le16(0x21) + le32(crc) + le32(item.compressedSize ?? UInt32(item.data.count))
                central += le32(item.uncompressedSize) + le16(UInt16(name.count)) + le16(0) + le16(0) + le16(0)
                central += le16(0) + le32(item.externalAttributes) + le32(item.localOffset ?? offset) + name
            }
            let directoryOffset = out.count
            out += central
            let count = entryCount ?? UInt16(items.count)
            out += le32(0x0605_4B50) + le16(disk) + le16(0) + le16(count) + le16(count)
            out += le32(UInt32(central.count + directorySizeShift))
            out += le32(UInt32(directoryOffset + directoryOffsetShift)) + le16(0)
            return out
        }

        private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
        private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
    }

    static func refusal(_ bytes: [UInt8]) -> String? {
        PackageLimitsTests().refusal(Data(bytes))
    }

    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    /// Only an end record, whose directory offset points past the end (it trapped ZIPFoundation's reader).
    static let endRecordPastTheEnd = hex("504b050600000000010001002e000000000100000000")

    /// One deflate entry that is a non-final stored block of 65,535 bytes with only `{}` after it (it made
    /// ZIPFoundation's inflate loop forever): 131 bytes.
    static let stuckDeflate = RawZip(items: [
        .init("manifest.json", deflated: [0x00, 0xFF, 0xFF, 0x00, 0x00, 0x7B, 0x7D], claims: Array("{}".utf8))
    ]).bytes

    @Test("the inputs that stopped the server are refused")
    func knownKillers() throws {
        #expect(Self.endRecordPastTheEnd.count == 22)
        #expect(Self.refusal(Self.endRecordPastTheEnd)?.hasPrefix("package.corrupt:") == true)
        #expect(Self.stuckDeflate.count == 131)
        let stuck = try #require(Self.refusal(Self.stuckDeflate))
        #expect(stuck == "package.corrupt: 'manifest.json' cannot be unpacked: its deflate stream is cut short")
        var random = SplitMix(seed: 12)
        let noise = (0..<(2 * 1024 * 1024)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        #expect(Self.refusal(noise)?.hasPrefix("package.zip:") == true)
    }

    @Test("a well-formed stored zip reads")
    func wellFormed() throws {
        let zip = RawZip(items: [.init("manifest.json", "{}"), .init("pages/a.mml", "<text>a</text>")])
        let files = try PackageFiles.unpack(Data(zip.bytes))
        #expect(files.paths == ["manifest.json", "pages/a.mml"])
        #expect(files.files["pages/a.mml"] == Data("<text>a</text>".utf8))
    }

    @Test("a large package inflates on all cores and still reports its first bad entry, in package order")
    func largePackageFirstFailure() throws {
        // 40 files of 8 KB: past the size from which entries inflate concurrently.
        var items = (0..<40).map { index in
            RawZip.Item(
                String(format: "pages/p%02d.mml", index), String(repeating: "<text>\(index)</text>\n", count: 600))
        }
        let good = try PackageFiles.unpack(Data(RawZip(items: items).bytes))
        #expect(good.files.count == 40)
        #expect(good.files["pages/p17.mml"] == Data(String(repeating: "<text>17</text>\n", count: 600).utf8))
        items[30].crc32 = 7
        items[5].crc32 = 7
        #expect(throws: Diagnostic.self) { try PackageFiles.unpack(Data(RawZip(items: items).bytes)) }
        for _ in 0..<20 {
            do {
                _ = try PackageFiles.unpack(Data(RawZip(items: items).bytes))
            } catch {
                #expect(error.message.contains("pages/p05.mml"), "got: \(error.message)")
            }
        }
    }

    /// One lie each, told about the zip of ``lies(_:)``.
    enum Lie: String, CaseIterable, Sendable {
        case countBeyondDirectory, countShortOfDirectory, directoryOffsetTooFar, directorySizeTooBig, severalDisks
        case localHeaderElsewhere, localHeaderPastData, twoEntriesOneHeader, localNameDiffers, localMethodDiffers
        case sizePastData, storedSizesDiffer, wrongChecksum, encrypted, bzip2, zip64Sizes, deviceFile, link
        case folderWithContent

        func tell(_ zip: inout RawZip) -> String {
            switch self {
            case .countBeyondDirectory: zip.entryCount = 3
            case .countShortOfDirectory: zip.entryCount = 1
            case .directoryOffsetTooFar: zip.directoryOffsetShift = 9
            case .directorySizeTooBig: zip.directorySizeShift = 5
            case .severalDisks:
                zip.disk = 1
                return "package.zip"
            case .localHeaderElsewhere: zip.items[1].localOffset = 3
            case .localHeaderPastData: zip.items[1].localOffset = 0xFFFF_FF00
            case .twoEntriesOneHeader: zip.items[1].localOffset = 0
            case .localNameDiffers: zip.items[0].localName = "manifest.jsoN"
            case .localMethodDiffers: zip.items[0].localMethod = 8
            case .sizePastData: zip.items[1].compressedSize = 0x7FFF_FFFF
            case .storedSizesDiffer: zip.items[0].uncompressedSize = 1
            case .wrongChecksum: zip.items[0].crc32 = 7
            case .encrypted:
                zip.items[0].flags = 1
                return "package.encrypted"
            case .bzip2:
                zip.items[0].method = 12
                return "package.compression"
            case .zip64Sizes:
                zip.items[0].compressedSize = 0xFFFF_FFFF
                return "package.zip"
            case .deviceFile:
                zip.items[1].externalAttributes = 0o020644 << 16
                return "package.file-type"
            case .link:
                zip.items[1].externalAttributes = 0o120777 << 16
                return "package.link"
            case .folderWithContent:
                zip.items[1].name = "pages/"
                zip.items[1].localName = "pages/"
            }
            return "package.corrupt"
        }
    }

    @Test("structures that lie are refused", arguments: Lie.allCases)
    func lies(_ lie: Lie) throws {
        var zip = RawZip(items: [.init("manifest.json", "{}"), .init("pages/a.mml", "<text>a</text>")])
        let code = lie.tell(&zip)
        let refusal = Self.refusal(zip.bytes)
        #expect(refusal?.hasPrefix("\(code):") == true, "\(lie): \(refusal ?? "accepted")")
    }

    @Test("a name that is not UTF-8 is refused")
    func invalidName() throws {
        var bytes = RawZip(items: [.init("manifest.json", "{}"), .init("pages/ab", "x")]).bytes
        // Both copies of the name (local and central) get the same invalid byte.
        for index in bytes.indices.dropLast(1)
        where bytes[index] == UInt8(ascii: "a") && bytes[index + 1] == UInt8(ascii: "b") {
            bytes[index] = 0xFF
        }
        #expect(Self.refusal(bytes)?.hasPrefix("package.path:") == true)
    }

    @Test("deflate streams that lie about their size are refused")
    func deflateLies() throws {
        let content = Array(String(repeating: "mini-program ", count: 40).utf8)
        let deflated = try Self.rawDeflate(content)
        // Right size and CRC: accepted, and the content comes back.
        let good = RawZip(items: [.init("a.txt", deflated: deflated, claims: content)])
        #expect(try PackageFiles.unpack(Data(good.bytes)).files["a.txt"] == Data(content))
        // Claims fewer bytes than the stream gives: stopped at the claim.
        var short = good
        short.items[0].uncompressedSize = 100
        #expect(Self.refusal(short.bytes)?.hasPrefix("limit.unpacked-size:") == true)
        // Claims more bytes than the stream gives.
        var long = good
        long.items[0].uncompressedSize = UInt32(content.count + 1)
        #expect(Self.refusal(long.bytes)?.hasPrefix("limit.unpacked-size:") == true)
        // Bytes after the end of the stream, inside the entry.
        var trailing = good
        trailing.items[0].data += [0, 0]
        #expect(Self.refusal(trailing.bytes)?.hasPrefix("package.corrupt:") == true)
        // The stream cut short.
        var cut = good
        cut.items[0].data.removeLast(3)
        #expect(Self.refusal(cut.bytes)?.hasPrefix("package.corrupt:") == true)
        // Garbage where the stream should be (BTYPE 11 is reserved).
        var garbage = good
        garbage.items[0].data = [0x07] + [UInt8](repeating: 0x5A, count: 20)
        #expect(Self.refusal(garbage.bytes)?.hasPrefix("package.corrupt:") == true)
    }

    @Test("every cut and every changed byte of a real package is either read or refused, never a trap")
    func mutations() throws {
        let package = Array(
            try TestApp.files([
                "pages/index.mml": "<text>你好 {{ name }}</text>", "pages/index.logic": "data { name: '李' }",
            ])
            .pack())
        for length in 0..<package.count {
            _ = Self.refusal(Array(package[0..<length]))
        }
        for index in package.indices {
            for value: UInt8 in [0x00, 0xFF, package[index] &+ 1, package[index] ^ 0x80] {
                var changed = package
                changed[index] = value
                _ = Self.refusal(changed)
            }
        }
        #expect(Self.refusal(package) == nil)
    }

    /// Raw deflate bytes of `content`, made by the packer (the entry's data in a one-file package).
    static func rawDeflate(_ content: [UInt8]) throws -> [UInt8] {
        let zip = Array(try PackageFiles(["a.txt": Data(content)]).pack())
        let entries = try ZipReader(zip).entries()
        let entry = try #require(entries.first)
        #expect(entry.method == .deflated)
        return Array(zip[entry.data])
    }
}
