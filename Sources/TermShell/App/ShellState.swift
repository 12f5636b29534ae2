/// Everything the screens show; changed only by ``ShellReducer``.
public struct ShellState: Sendable, Hashable {
    public enum Screen: Sendable, Hashable {
        case login
        case home
    }

    /// The smallest terminal the screens are laid out for.
    public static let minimumSize = (width: 60, height: 16)

    public var screen: Screen = .login
    public var language: UILanguage
    public var bank: DemoBank
    public var width: Int
    public var height: Int
    /// The keys overlay (`?`).
    public var showingHelp = false

    /// Login: the highlighted row (the demo users, then "another user id").
    public var loginSelection = 0
    /// Login: the id being typed, when typing.
    public var typedUser: String?

    /// The signed-in user.
    public var user: DemoBank.User?
    /// Home: the highlighted action.
    public var homeFocus = 0

    public init(language: UILanguage, bank: DemoBank, width: Int, height: Int) {
        self.language = language
        self.bank = bank
        self.width = width
        self.height = height
    }

    public var isTooSmall: Bool { width < Self.minimumSize.width || height < Self.minimumSize.height }
}

/// What happens to the state: keys, a new terminal size.
public enum ShellAction: Sendable, Hashable {
    case key(Key)
    case resized(width: Int, height: Int)
}

/// What the loop does for the reducer, off the state: leave, or start the user's session.
public enum ShellEffect: Sendable, Hashable {
    case quit
    /// A user signed in: the loop starts their sync agent.
    case signedIn(DemoBank.User)
    case signedOut
}
