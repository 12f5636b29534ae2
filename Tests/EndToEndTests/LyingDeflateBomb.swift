import Foundation

/// A zip whose one entry claims 1,000 bytes while its deflate stream gives `megabytes` MiB of zeros: the bomb
/// that cost a server seconds of CPU when entries were inflated whole before their size was checked.
///
/// The stream is written by hand with deflate's fixed Huffman codes — a zero, then copies of 258 bytes at
/// distance 1 — so the test needs no compressor: 13 bits for every 258 bytes.
enum LyingDeflateBomb {
    static func package(megabytes: Int, claimedSize: UInt32 = 1_000) -> Data {
        let stream = zeros(count: megabytes << 20)
        let name = Array("manifest.json".utf8)
        var zip: [UInt8] = []
        // Local header: version, flags, method 8 (deflate), time, date, CRC, sizes, name length, extra length.
        zip += le32(0x0403_4B50) + le16(20) + le16(0) + le16(8) + le16(0) + le16(0x21) + le32(0)
        zip += le32(UInt32(stream.count)) + le32(claimedSize) + le16(UInt16(name.count)) + le16(0) + name + stream
        let directoryOffset = zip.count
        var central = le32(0x0201_4B50) + le16(0x031E) + le16(20) + le16(0) + le16(8) + le16(0) + le16(0x21)
        central += le32(0) + le32(UInt32(stream.count)) + le32(claimedSize) + le16(UInt16(name.count))
        central += le16(0) + le16(0) + le16(0) + le16(0) + le32(0o100644 << 16) + le32(0) + name
        zip += central
        zip += le32(0x0605_4B50) + le16(0) + le16(0) + le16(1) + le16(1) + le32(UInt32(central.count))
        zip += le32(UInt32(directoryOffset)) + le16(0)
        return Data(zip)
    }

    /// A raw deflate stream of `count` zero bytes (rounded down to a whole number of copies).
    private static func zeros(count: Int) -> [UInt8] {
        var writer = BitWriter()
        writer.bits(1, count: 1)  // BFINAL
        writer.bits(1, count: 2)  // BTYPE 01: fixed Huffman codes
        writer.code(0x30, length: 8)  // the literal 0
        for _ in 0..<((count - 1) / 258) {
            writer.code(0xC5, length: 8)  // length code 285: copy 258 bytes
            writer.code(0, length: 5)  // distance code 0: from 1 byte back
        }
        writer.code(0, length: 7)  // end of block (256)
        return writer.bytes
    }

    /// Deflate's bit order: fields least significant bit first, Huffman codes most significant bit first.
    private struct BitWriter {
        var bytes: [UInt8] = []
        private var used = 8

        mutating func bits(_ value: UInt32, count: Int) {
            for index in 0..<count { put(UInt8((value >> index) & 1)) }
        }

        mutating func code(_ code: UInt32, length: Int) {
            for index in (0..<length).reversed() { put(UInt8((code >> index) & 1)) }
        }

        private mutating func put(_ bit: UInt8) {
            if used == 8 {
                bytes.append(0)
                used = 0
            }
            bytes[bytes.count - 1] |= bit << used
            used += 1
        }
    }

    private static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
}
