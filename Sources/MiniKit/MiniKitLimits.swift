/// Every limit MiniKit enforces, in one place. Each is documented in docs/MINIPROGRAM-FORMAT.md ("Limits");
/// going over one is an error that names the limit, never a crash or a hang.
public enum MiniKitLimits {
    // MARK: Packages
    /// The largest package file (the zip).
    public static let maximumPackageSize = 2 * 1024 * 1024
    /// The most bytes all files of a package may hold once unpacked.
    public static let maximumUnpackedSize = 10 * 1024 * 1024
    /// The highest ratio of unpacked to packed size, for any entry and for the whole package.
    public static let maximumCompressionRatio = 100
    /// The most files (and folders) a package may hold.
    public static let maximumFileCount = 1_000
    /// The longest path inside a package, in bytes.
    public static let maximumPathLength = 255

    // MARK: Sources
    /// The deepest nesting of markup elements.
    public static let maximumMarkupDepth = 64
    /// The most markup nodes (elements and text) in one page.
    public static let maximumMarkupNodes = 5_000
    /// The most nodes of one expression.
    public static let maximumExpressionNodes = 500
    /// The deepest nesting inside one expression.
    public static let maximumExpressionDepth = 64
    /// The deepest nesting of actions (if/else and success/fail blocks) in logic.
    public static let maximumActionDepth = 32

    // MARK: Runtime
    /// The fuel of one expression evaluation: each node costs 1, builtins cost with the size of what they touch.
    public static let expressionFuel = 10_000
    /// The most actions one handler run may execute (handlers have no loops; this bounds chains of calls).
    public static let maximumActionsPerRun = 1_000
    /// The largest page data, measured as JSON.
    public static let maximumDataSize = 1024 * 1024
    /// The largest string an expression may produce.
    public static let maximumStringLength = 64 * 1024
    /// The deepest page stack.
    public static let maximumPageStackDepth = 10
    /// The most view nodes one render may produce (after list rendering expands).
    public static let maximumRenderedNodes = 5_000
    /// The fuel of one whole render, shared by all its bindings.
    public static let renderFuel = 200_000
    /// The longest text one node shows, in characters; the rest is cut.
    public static let maximumTextLength = 10_000
    /// The most rows a page lays out; the rest is cut.
    public static let maximumRenderedRows = 2_000
    /// The default storage quota per (user, mini-program).
    public static let defaultStorageQuota = 1024 * 1024
}
