/// Lowercase hexadecimal text for bytes: digests and ids. Written out by hand rather than with
/// `String(format: "%02x")`, which goes through CoreFoundation's formatter once per byte; inlinable, so each
/// caller's sequence type (a digest, `Data`, an array) is specialised instead of iterated through witness
/// tables on every request.
public enum Hex {
    @inlinable
    public static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ lowercase(buffer: $0) }) { return text }
        return lowercase(buffer: Array(bytes))
    }

    @inlinable
    static func lowercase(buffer bytes: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            var index = 0
            for byte in bytes {
                text[index] = digit(byte >> 4)
                text[index + 1] = digit(byte & 0x0F)
                index += 2
            }
            return index
        }
    }

    @inlinable
    static func digit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x57 + value }
}
