/// A mini-program's name and description in one language other than English.
public struct LocalizedText: Sendable, Hashable, Codable {
    /// Nil: the English name shows.
    public var name: String?
    /// Nil: the English description shows.
    public var description: String?

    public init(name: String? = nil, description: String? = nil) {
        self.name = name
        self.description = description
    }
}

/// What a version says about itself for people: the manifest's description and its translations. The English
/// name is the mini-program's registered name.
public struct ProgramTexts: Sendable, Hashable, Codable {
    public var description: String
    /// By language code (`zh`).
    public var localized: [String: LocalizedText]

    public init(description: String = "", localized: [String: LocalizedText] = [:]) {
        self.description = description
        self.localized = localized
    }

    /// The languages a manifest may translate into, and the longest texts it may give: a catalog carries them
    /// for every listed service.
    public static let languages: Set<String> = ["en", "zh"]
    public static let maximumName = 40
    public static let maximumDescription = 200
}
