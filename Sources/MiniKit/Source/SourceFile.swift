/// A text file of a mini-program, with what is needed to turn offsets into lines and columns.
///
/// Parsers keep UTF-8 byte offsets on every node; line and column are computed only when a diagnostic is
/// printed.
public struct SourceFile: Sendable, Hashable {
    /// The path inside the package, such as `pages/quote.mml`.
    public let path: String
    /// The UTF-8 bytes, which offsets index. This is the only copy of the file a loaded program keeps.
    public let bytes: [UInt8]
    /// Where each line starts. 32 bits are enough: a package file is far below 4 GiB.
    private let lineStarts: [UInt32]

    /// The whole text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public init(path: String, text: String) {
        self.init(path: path, validUTF8: Array(text.utf8))
    }

    /// A file from bytes already known to be valid UTF-8 (``MiniProgram`` checks before it builds one).
    init(path: String, validUTF8 bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts: [UInt32] = [0]
        bytes.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where buffer[index] == 0x0A { starts.append(UInt32(index + 1)) }
        }
        self.lineStarts = starts
    }

    /// The 1-based line and column (in characters) of a byte offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let clamped = max(0, min(offset, bytes.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if Int(lineStarts[middle]) <= clamped { low = middle } else { high = middle - 1 }
        }
        let lineStart = Int(lineStarts[low])
        let prefix = String(decoding: bytes[lineStart..<clamped], as: UTF8.self)
        return (low + 1, prefix.count + 1)
    }

    /// The text of a 1-based line, without its line break.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = Int(lineStarts[number - 1])
        var end = number < lineStarts.count ? Int(lineStarts[number]) - 1 : bytes.count
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text of a range.
    public func text(of range: SourceRange) -> String {
        let lower = max(0, min(range.lowerBound, bytes.count))
        let upper = max(lower, min(range.upperBound, bytes.count))
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }
}

/// A span of a source file in UTF-8 byte offsets.
///
/// Stored in 32 bits each: every parsed node carries one, and package files are far below 4 GiB.
public struct SourceRange: Sendable, Hashable {
    private var lower: UInt32
    private var upper: UInt32

    public var lowerBound: Int {
        get { Int(lower) }
        set { lower = UInt32(clamping: newValue) }
    }

    public var upperBound: Int {
        get { Int(upper) }
        set { upper = UInt32(clamping: newValue) }
    }

    public init(_ lowerBound: Int, _ upperBound: Int) {
        self.lower = UInt32(clamping: lowerBound)
        self.upper = UInt32(clamping: max(lowerBound, upperBound))
    }

    /// A range shifted by `offset` (for expressions parsed out of a larger file).
    public func shifted(by offset: Int) -> SourceRange { SourceRange(lowerBound + offset, upperBound + offset) }

    /// The smallest range covering both.
    public func joined(_ other: SourceRange) -> SourceRange {
        SourceRange(min(lowerBound, other.lowerBound), max(upperBound, other.upperBound))
    }
}

/// Byte comparisons in place, for parsers that must not allocate per token.
extension [UInt8] {
    /// Whether two ranges hold the same bytes.
    func same(_ a: SourceRange, _ b: SourceRange) -> Bool {
        let count = a.upperBound - a.lowerBound
        guard count == b.upperBound - b.lowerBound else { return false }
        for offset in 0..<count where self[a.lowerBound + offset] != self[b.lowerBound + offset] { return false }
        return true
    }

    /// Whether the bytes of `range` begin with `prefix`, compared in place.
    func has(prefix: StaticString, at range: SourceRange) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard range.upperBound - range.lowerBound >= count else { return false }
        let pattern = prefix.utf8Start
        for offset in 0..<count where self[range.lowerBound + offset] != pattern[offset] { return false }
        return true
    }
}
