/// A version number in strict Semantic Versioning 2.0.0 form: `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`.
///
/// Parsing is strict, as the specification's grammar: no leading `v`, no leading zeros in numeric parts,
/// no empty identifiers. Ordering follows the specification's precedence rules; build metadata is kept
/// but ignored by `==` and `<`.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// One dot-separated pre-release identifier: numeric identifiers sort before alphanumeric ones.
    public enum PrereleaseIdentifier: Sendable, Hashable, Comparable, CustomStringConvertible {
        case numeric(UInt64)
        case alphanumeric(String)

        public static func < (lhs: Self, rhs: Self) -> Bool {
            switch (lhs, rhs) {
            case (.numeric(let a), .numeric(let b)): return a < b
            case (.numeric, .alphanumeric): return true
            case (.alphanumeric, .numeric): return false
            case (.alphanumeric(let a), .alphanumeric(let b)): return a.utf8.lexicographicallyPrecedes(b.utf8)
            }
        }

        public var description: String {
            switch self {
            case .numeric(let value): return String(value)
            case .alphanumeric(let value): return value
            }
        }
    }

    /// The longest text accepted by the parser; longer input is refused rather than scanned.
    public static let maximumLength = 256

    public var major: UInt64
    public var minor: UInt64
    public var patch: UInt64
    public var prerelease: [PrereleaseIdentifier]
    public var build: [String]

    /// Creates a version from its parts.
    public init(
        _ major: UInt64, _ minor: UInt64, _ patch: UInt64,
        prerelease: [PrereleaseIdentifier] = [], build: [String] = []
    ) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    /// Parses strict SemVer 2.0.0 text, or returns `nil`.
    public init?(_ text: some StringProtocol) {
        guard !text.isEmpty, text.utf8.count <= Self.maximumLength else { return nil }
        if let plain = Self.parsePlain(text.utf8) {
            self = plain
            return
        }
        var core = Substring(text)
        var build: [String] = []
        if let plus = core.firstIndex(of: "+") {
            let parts = core[core.index(after: plus)...].split(separator: ".", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(Self.isIdentifierCharacter) })
            else { return nil }
            build = parts.map(String.init)
            core = core[..<plus]
        }
        var prerelease: [PrereleaseIdentifier] = []
        if let dash = core.firstIndex(of: "-") {
            let parts = core[core.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false)
            for part in parts {
                guard !part.isEmpty, part.allSatisfy(Self.isIdentifierCharacter) else { return nil }
                if part.allSatisfy(\.isASCIIDigit) {
                    guard part == "0" || part.first != "0", let value = UInt64(part) else { return nil }
                    prerelease.append(.numeric(value))
                } else {
                    prerelease.append(.alphanumeric(String(part)))
                }
            }
            core = core[..<dash]
        }
        let numbers = core.split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count == 3 else { return nil }
        var values: [UInt64] = []
        for number in numbers {
            guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit), number == "0" || number.first != "0",
                let value = UInt64(number)
            else { return nil }
            values.append(value)
        }
        self.init(values[0], values[1], values[2], prerelease: prerelease, build: build)
    }

    /// Parses the common `MAJOR.MINOR.PATCH` form byte by byte, without allocating; nil for anything else
    /// (including pre-release and build forms, which the general parser handles).
    private static func parsePlain(_ bytes: some Collection<UInt8>) -> SemanticVersion? {
        var parts: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var part = 0
        var value: UInt64 = 0
        var digits = 0
        var leadingZero = false
        for byte in bytes {
            if byte >= 48 && byte <= 57 {
                if digits == 1 && leadingZero { return nil }
                if digits == 0 { leadingZero = byte == 48 }
                guard digits < 19 else { return nil }
                value = value * 10 + UInt64(byte - 48)
                digits += 1
            } else if byte == 46 {
                guard digits > 0, part < 2 else { return nil }
                if part == 0 { parts.0 = value } else { parts.1 = value }
                part += 1
                value = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard part == 2, digits > 0 else { return nil }
        parts.2 = value
        return SemanticVersion(parts.0, parts.1, parts.2)
    }

    private static func isIdentifierCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-")
    }

    /// True when the version carries pre-release identifiers.
    public var isPrerelease: Bool { !prerelease.isEmpty }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch }
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, true), (true, false): return false
        case (false, true): return true
        case (false, false): return lhs.prerelease.lexicographicallyPrecedes(rhs.prerelease)
        }
    }

    /// Equality by precedence: build metadata is ignored, as the specification says.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.major == rhs.major && lhs.minor == rhs.minor && lhs.patch == rhs.patch
            && lhs.prerelease == rhs.prerelease
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(prerelease)
    }

    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { text += "-" + prerelease.map(\.description).joined(separator: ".") }
        if !build.isEmpty { text += "+" + build.joined(separator: ".") }
        return text
    }
}

extension SemanticVersion: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let version = SemanticVersion(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a semantic version (MAJOR.MINOR.PATCH)")
        }
        self = version
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
