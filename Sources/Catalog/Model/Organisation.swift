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
}
