/// The host asks the customer before a mini-program first uses a sensitive scope: who asks (the service and
/// the partner company behind it), why (the manifest's stated reason), and exactly what would be shared.
public struct ConsentDialog: Sendable, Hashable {
    public var app: String
    /// The partner company, when the catalog names it.
    public var partner: String?
    public var scope: String
    public var reason: String
    /// What the mini-program would receive, as the customer should see it (`138****1002`); nil when the answer
    /// is only a yes or no to the scope.
    public var shared: String?
    /// The focused button. As in WeChat's dialog, Deny sits left and Allow right, focused first; Esc denies.
    public var allowFocused: Bool

    public init(
        app: String, partner: String?, scope: String, reason: String, shared: String?, allowFocused: Bool = true
    ) {
        self.app = app
        self.partner = partner
        self.scope = scope
        self.reason = reason
        self.shared = shared
        self.allowFocused = allowFocused
    }

    /// The dialog after a key; the customer's answer once Enter presses the focused button (or Esc denies).
    public mutating func press(_ key: Key) -> Bool? {
        switch key {
        case .left, .right, .tab, .backTab, .up, .down: allowFocused.toggle()
        case .enter: return allowFocused
        case .escape: return false
        default: break
        }
        return nil
    }
}
