import Synchronization
import TermShell

/// Each customer's PIN attempts this run of the shell: signing in starts a fresh count (the lock lasts until
/// then), and quitting forgets it with the session.
final class PaymentLocks: Sendable {
    private let attempts = Mutex<[String: PINAttempts]>([:])

    /// Checks a typed PIN for the customer.
    func check(_ typed: String, user: DemoBank.User) -> PINAttempts.Outcome {
        attempts.withLock { $0[user.id, default: PINAttempts()].check(typed, against: user.pin) }
    }

    func isLocked(_ user: String) -> Bool { attempts.withLock { $0[user]?.isLocked ?? false } }

    /// The customer signed in: wrong PINs before count no more.
    func signedIn(_ user: String) { _ = attempts.withLock { $0.removeValue(forKey: user) } }
}
