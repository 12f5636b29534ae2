import MiniSupport

/// The capsule's "Feedback and complaint" form: the customer picks a reason and may add a few words. The shell
/// sends it to the platform as the device (queued while offline).
public struct ComplaintForm: Sendable, Hashable {
    /// The reasons offered, as the platform's reports name them.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        case misleading, fraud, privacy, payment, broken, other
    }

    public static let maximumText = 500

    /// The chosen row of ``Reason/allCases``.
    public var reason = 0
    public var text = ""

    public init() {}

    /// What a key did: nothing to report yet, send the complaint, or cancel the form.
    public enum Outcome: Sendable, Hashable {
        case send(Reason, text: String)
        case cancel
    }

    /// The form after a key: ↑↓ choose the reason, characters type the details, Enter sends, Esc cancels.
    public mutating func press(_ key: Key) -> Outcome? {
        let reasons = Reason.allCases
        switch key {
        case .up, .backTab: reason = (reason + reasons.count - 1) % reasons.count
        case .down, .tab: reason = (reason + 1) % reasons.count
        case .backspace: if !text.isEmpty { text.removeLast() }
        case .character(let character) where text.count < Self.maximumText && !character.isNewline:
            text.append(character)
        case .enter:
            return .send(reasons[reason], text: String(text.trimmingWhitespace()))
        case .escape:
            return .cancel
        default:
            break
        }
        return nil
    }
}
