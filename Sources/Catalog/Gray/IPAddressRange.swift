import Foundation

/// An IPv4 or IPv6 network (`10.0.0.0/8`, `2001:db8::/32`) or a single address (a full-length prefix).
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The address bytes: 4 for IPv4, 16 for IPv6.
    public let address: [UInt8]
    /// The prefix length in bits.
    public let prefixLength: Int

    /// Parses `ADDRESS` or `ADDRESS/PREFIX`; returns nil for anything else.
    public init?(_ text: some StringProtocol) {
        let trimmed = text.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty, trimmed.utf8.count <= 64 else { return nil }
        var addressPart = Substring(trimmed)
        var prefix: Int? = nil
        if let slash = trimmed.firstIndex(of: "/") {
            addressPart = trimmed[..<slash]
            let digits = trimmed[trimmed.index(after: slash)...]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(digits)
            else { return nil }
            prefix = value
        }
        guard let bytes = Self.parseAddress(addressPart) else { return nil }
        let maximum = bytes.count * 8
        if let prefix, prefix > maximum { return nil }
        self.address = bytes
        self.prefixLength = prefix ?? maximum
    }

    /// Parses a dotted IPv4 or a colon-hex IPv6 address into its bytes.
    public static func parseAddress(_ text: some StringProtocol) -> [UInt8]? {
        if text.contains(":") { return parseIPv6(Substring(text)) }
        return parseIPv4(Substring(text))
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        var text = text
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }  // zone id
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    bytes += v4
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4, let value = UInt16(piece, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// True when `bytes` (of the same family) lies inside this range.
    public func contains(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == address.count else { return false }
        var remaining = prefixLength
        for index in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if bytes[index] & mask != address[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// True when the textual address lies inside this range; false for unparsable text.
    public func contains(address text: some StringProtocol) -> Bool {
        guard let bytes = Self.parseAddress(text.trimmingASCIIWhitespace()) else { return false }
        return contains(bytes)
    }

    public var description: String {
        let text: String
        if address.count == 4 {
            text = address.map(String.init).joined(separator: ".")
        } else {
            text = stride(from: 0, to: 16, by: 2).map {
                String(UInt16(address[$0]) << 8 | UInt16(address[$0 + 1]), radix: 16)
            }
            .joined(separator: ":")
        }
        return prefixLength == address.count * 8 ? text : "\(text)/\(prefixLength)"
    }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII spaces, tabs and line breaks.
    func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let slice = Substring(self)
        guard let first = slice.firstIndex(where: { !isSpace($0) }) else { return slice[slice.endIndex...] }
        let last = slice.lastIndex(where: { !isSpace($0) })!
        return slice[first...last]
    }
}
