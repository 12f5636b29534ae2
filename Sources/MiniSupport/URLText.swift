/// Text for URLs and HTTP headers, byte by byte. Not Foundation's `CharacterSet`: its `alphanumerics` lets
/// non-ASCII letters through unencoded, and building a set loads CoreFoundation's Unicode tables (about half
/// a megabyte of resident memory) for what is an ASCII rule.
public enum URLText {
    /// Percent-encodes everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`), byte by byte
    /// of the UTF-8: for one path segment or query value.
    public static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The text without leading and trailing ASCII spaces, tabs, carriage returns and line feeds (HTTP's
    /// optional whitespace around a header value).
    public static func trimmed(_ text: Substring) -> String {
        func isSpace(_ character: Character) -> Bool {
            character == " " || character == "\t" || character == "\r\n" || character == "\r" || character == "\n"
        }
        var start = text.startIndex
        var end = text.endIndex
        while start < end, isSpace(text[start]) { start = text.index(after: start) }
        while end > start, isSpace(text[text.index(before: end)]) { end = text.index(before: end) }
        return String(text[start..<end])
    }
}
