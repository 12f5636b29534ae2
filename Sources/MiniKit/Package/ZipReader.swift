/// A strict reader of the zip structure of a package, written for bytes nobody vouches for.
///
/// Every offset, size and count in the archive is checked against the bytes actually there before it is
/// used, so a forged header can only ever produce a diagnostic: never a trap, a loop or a read outside the
/// buffer. It accepts what packers write (the central directory right before its end record, entries stored
/// or deflated, each local header agreeing with its central record) and refuses the rest: multi-disk and
/// ZIP64 archives, encryption, other compression methods, entries that overlap or lie outside the data.
/// Inflating is ``Inflater``'s job; ``PackageFiles/unpack(_:)`` puts the two together with the limits.
struct ZipReader {
    /// One entry of the central directory, with the location of its data checked.
    struct Entry: Equatable {
        enum Method: Equatable {
            case stored
            case deflated
        }

        enum Kind: Equatable {
            case file
            case directory
            case symbolicLink
        }

        var path: String
        var kind: Kind
        var method: Method
        var crc32: UInt32
        /// Where the entry's (compressed) bytes are in the archive.
        var data: Range<Int>
        var uncompressedSize: Int
    }

    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    // Record signatures and fixed sizes (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16).
    private static let localHeaderSignature: UInt32 = 0x0403_4B50
    private static let centralHeaderSignature: UInt32 = 0x0201_4B50
    private static let endRecordSignature: UInt32 = 0x0605_4B50
    private static let localHeaderSize = 30
    private static let centralHeaderSize = 46
    private static let endRecordSize = 22

    /// Every entry, in central-directory order.
    func entries() throws(Diagnostic) -> [Entry] {
        let end = try endRecord()
        guard end.entryCount <= MiniKitLimits.maximumFileCount else {
            throw .error("limit.file-count", "the package has more than \(MiniKitLimits.maximumFileCount) entries")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(end.entryCount)
        var spans: [Range<Int>] = []
        var position = end.directory.lowerBound
        for _ in 0..<end.entryCount {
            let (entry, span, next) = try centralEntry(at: position, directory: end.directory)
            entries.append(entry)
            spans.append(span)
            position = next
        }
        guard position == end.directory.upperBound else {
            throw corrupt("the central directory holds more than its \(end.entryCount) entries")
        }
        // Entries that share bytes are how some zip bombs multiply their output: every byte belongs to one entry.
        spans.sort { $0.lowerBound < $1.lowerBound }
        for (previous, next) in zip(spans, spans.dropFirst()) where next.lowerBound < previous.upperBound {
            throw corrupt("two entries overlap at byte \(next.lowerBound)")
        }
        return entries
    }

    // MARK: The end record

    private struct EndRecord {
        var entryCount: Int
        var directory: Range<Int>
    }

    /// Finds the end-of-central-directory record: the last signature whose comment reaches exactly the end.
    private func endRecord() throws(Diagnostic) -> EndRecord {
        guard bytes.count >= Self.endRecordSize else { throw notAZip("it is only \(bytes.count) bytes long") }
        let last = bytes.count - Self.endRecordSize
        let first = max(0, last - Int(UInt16.max))
        var candidate: Int?
        var offset = last
        while offset >= first {
            if u32(offset) == Self.endRecordSignature, offset + Self.endRecordSize + u16(offset + 20) == bytes.count {
                candidate = offset
                break
            }
            offset -= 1
        }
        guard let offset = candidate else { throw notAZip("it has no end-of-central-directory record") }
        let disk = u16(offset + 4)
        let directoryDisk = u16(offset + 6)
        let entriesOnDisk = u16(offset + 8)
        let entryCount = u16(offset + 10)
        let directorySize = Int(u32(offset + 12))
        let directoryOffset = Int(u32(offset + 16))
        guard disk == 0, directoryDisk == 0, entriesOnDisk == entryCount else {
            throw unsupported("it spans several disks")
        }
        guard entryCount != 0xFFFF, directorySize != 0xFFFF_FFFF, directoryOffset != 0xFFFF_FFFF else {
            throw unsupported("it is a ZIP64 archive, which no package needs")
        }
        // The directory ends where the end record starts: nothing hides between them.
        guard directoryOffset <= offset, directorySize == offset - directoryOffset else {
            throw corrupt(
                "the central directory (\(directorySize) bytes at \(directoryOffset)) does not end where its end record starts (\(offset))"
            )
        }
        return EndRecord(entryCount: entryCount, directory: directoryOffset..<offset)
    }

    // MARK: Central and local records

    private func centralEntry(at position: Int, directory: Range<Int>) throws(Diagnostic) -> (Entry, Range<Int>, Int) {
        guard position + Self.centralHeaderSize <= directory.upperBound,
            u32(position) == Self.centralHeaderSignature
        else {
            throw corrupt("the central directory is damaged at byte \(position)")
        }
        let madeBy = u16(position + 4)
        let flags = u16(position + 8)
        let methodCode = u16(position + 10)
        let crc32 = u32(position + 16)
        let compressedSize = Int(u32(position + 20))
        let uncompressedSize = Int(u32(position + 24))
        let nameLength = u16(position + 28)
        let extraLength = u16(position + 30)
        let commentLength = u16(position + 32)
        let externalAttributes = u32(position + 38)
        let localOffset = Int(u32(position + 42))
        let nameStart = position + Self.centralHeaderSize
        let next = nameStart + nameLength + extraLength + commentLength
        guard next <= directory.upperBound else {
            throw corrupt("the central directory is damaged at byte \(position)")
        }
        let nameBytes = bytes[nameStart..<nameStart + nameLength]
        guard let path = String(validating: nameBytes, as: UTF8.self) else {
            throw .error(
                "package.path", "an entry's name is not UTF-8 text",
                notes: ["make packages with 'minictl pack DIR -o FILE'"])
        }
        // Bit 0: encrypted; bit 6: strong encryption; bit 13: encrypted central directory.
        guard flags & 0x2041 == 0 else {
            throw .error("package.encrypted", "'\(path)' is encrypted; packages are never encrypted")
        }
        guard compressedSize != 0xFFFF_FFFF, uncompressedSize != 0xFFFF_FFFF, localOffset != 0xFFFF_FFFF else {
            throw unsupported("'\(path)' is a ZIP64 entry, which no package needs")
        }
        let method: Entry.Method
        switch methodCode {
        case 0: method = .stored
        case 8: method = .deflated
        default:
            throw .error(
                "package.compression",
                "'\(path)' uses compression method \(methodCode); packages store or deflate their files")
        }
        if method == .stored, compressedSize != uncompressedSize {
            throw corrupt("'\(path)' is stored, yet its sizes differ (\(compressedSize) and \(uncompressedSize))")
        }
        let kind = try Self.kind(path: path, madeBy: madeBy, externalAttributes: externalAttributes)
        if kind == .directory, uncompressedSize != 0 {
            throw corrupt("'\(path)' is a folder that holds \(uncompressedSize) bytes")
        }
        let data = try localData(
            at: localOffset, name: nameBytes, method: methodCode, flags: flags, compressedSize: compressedSize,
            before: directory.lowerBound, path: path)
        let entry = Entry(
            path: path, kind: kind, method: method, crc32: crc32, data: data, uncompressedSize: uncompressedSize)
        return (entry, localOffset..<data.upperBound, next)
    }

    /// Checks the local header against its central record and returns where the entry's data lies.
    private func localData(
        at offset: Int, name: ArraySlice<UInt8>, method: Int, flags: Int, compressedSize: Int, before limit: Int,
        path: String
    ) throws(Diagnostic) -> Range<Int> {
        guard offset + Self.localHeaderSize <= limit, u32(offset) == Self.localHeaderSignature else {
            throw corrupt("'\(path)' has no local header at byte \(offset)")
        }
        let nameLength = u16(offset + 26)
        let extraLength = u16(offset + 28)
        let nameStart = offset + Self.localHeaderSize
        let dataStart = nameStart + nameLength + extraLength
        guard dataStart <= limit, compressedSize <= limit - dataStart else {
            throw corrupt("'\(path)' reaches past the end of the data")
        }
        // A local header that names another file or method than the directory would let two readers disagree.
        guard bytes[nameStart..<nameStart + nameLength].elementsEqual(name), u16(offset + 8) == method,
            u16(offset + 6) & 0x2041 == flags & 0x2041
        else {
            throw corrupt("the local header of '\(path)' does not match its central directory record")
        }
        return dataStart..<dataStart + compressedSize
    }

    /// A file, a folder or a link, from the name and the Unix mode that zips made on Unix carry.
    private static func kind(path: String, madeBy: Int, externalAttributes: UInt32) throws(Diagnostic) -> Entry.Kind {
        let unix = madeBy >> 8 == 3
        let mode = unix ? (externalAttributes >> 16) & 0o170000 : 0
        switch mode {
        case 0o120000: return .symbolicLink
        case 0o040000: return .directory
        case 0, 0o100000: return path.hasSuffix("/") ? .directory : .file
        default: throw .error("package.file-type", "'\(path)' is not a regular file")
        }
    }

    // MARK: Reading

    /// Little-endian integers; callers check the bounds first (a failed check here is a bug, not input).
    private func u16(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }

    private func u32(_ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    private func notAZip(_ why: String) -> Diagnostic {
        .error(
            "package.zip", "the package is not a readable zip archive: \(why)",
            notes: ["make packages with 'minictl pack DIR -o FILE'"])
    }

    private func unsupported(_ why: String) -> Diagnostic {
        .error(
            "package.zip", "the package is a zip archive of a kind packages never are: \(why)",
            notes: ["make packages with 'minictl pack DIR -o FILE'"])
    }

    private func corrupt(_ why: String) -> Diagnostic {
        .error("package.corrupt", "the package is damaged: \(why)")
    }
}
