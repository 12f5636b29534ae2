import Synchronization

/// What the demo bank paid this session, per customer: a payment goes through while the first account holds it.
final class PaymentLedger: Sendable {
    private let spent = Mutex<[String: Double]>([:])

    /// Records the payment and returns true when `balance` less what was paid before covers it.
    func pay(_ amount: Double, user: String, balance: Double) -> Bool {
        spent.withLock { spent in
            let paid = spent[user, default: 0]
            guard amount > 0, balance - paid >= amount else { return false }
            spent[user] = paid + amount
            return true
        }
    }
}
