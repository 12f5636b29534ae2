/// Who runs a host app: the bank itself, or an external organisation (a transit company, a carmaker, a
/// retailer) that lists the bank's services in its own super-app.
public struct Organisation: Sendable, Hashable, Codable {
    /// The bank's own organisation: always there, and the owner of every host not given to another.
    public static let bankId = "bank"

    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    /// True for the bank's own organisation.
    public var isBank: Bool { id == Self.bankId }

    /// 1–64 of `a-z`, `0-9`, `-` and `.`, like every other id of the platform.
    public static func isValidId(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E
            }
    }
}
