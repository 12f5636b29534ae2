/// The payment PIN's attempt counter for one customer: three wrong PINs lock payments until the customer signs
/// in again (a new counter). Pure: the host checks each typed PIN through it.
public struct PINAttempts: Sendable, Hashable {
    public static let allowed = 3

    /// What the check of one PIN decided.
    public enum Outcome: Sendable, Hashable {
        case accepted
        /// Wrong; this many tries are left before payments lock.
        case wrong(triesLeft: Int)
        /// Wrong for the last time, or already locked: no PIN is checked any more.
        case locked
    }

    public private(set) var wrong = 0

    public init() {}

    public var isLocked: Bool { wrong >= Self.allowed }

    /// Checks a typed PIN against the customer's. A customer without a PIN never pays, and a locked counter
    /// refuses even the right PIN.
    public mutating func check(_ typed: String, against pin: String?) -> Outcome {
        guard !isLocked else { return .locked }
        if let pin, typed == pin { return .accepted }
        wrong += 1
        return isLocked ? .locked : .wrong(triesLeft: Self.allowed - wrong)
    }
}
