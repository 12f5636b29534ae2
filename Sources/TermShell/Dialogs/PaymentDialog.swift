/// The host's payment dialog: what is paid to whom, the account it comes from (the customer chooses), and the
/// PIN being typed (shown as dots).
public struct PaymentDialog: Sendable, Hashable {
    /// A line under the PIN: why the last Enter did not pay.
    public enum Note: Sendable, Hashable {
        /// Enter with fewer than six digits.
        case incomplete
        case wrongPIN(triesLeft: Int)
        /// The chosen account does not hold the amount.
        case notEnough
    }

    /// An account the customer may pay from, as the dialog lists it.
    public struct Account: Sendable, Hashable {
        public var name: String
        public var nameZh: String
        public var number: String
        /// What it holds now, formatted (`¥52,340.18`).
        public var balance: String

        public init(name: String, nameZh: String, number: String, balance: String) {
            self.name = name
            self.nameZh = nameZh
            self.number = number
            self.balance = balance
        }
    }

    public var app: String
    /// Formatted (`¥44.40`).
    public var amount: String
    public var payee: String
    public var description: String
    public var accounts: [Account]
    /// The chosen row of ``accounts``.
    public var account: Int
    public var pin: String
    public var note: Note?

    public init(
        app: String, amount: String, payee: String, description: String, accounts: [Account], account: Int = 0,
        pin: String = "", note: Note? = nil
    ) {
        self.app = app
        self.amount = amount
        self.payee = payee
        self.description = description
        self.accounts = accounts
        self.account = account
        self.pin = pin
        self.note = note
    }

    public static let pinLength = 6

    /// The dialog after a key; `answer` is set when Enter pays with a whole PIN.
    public mutating func press(_ key: Key) -> (pin: String, account: Int)? {
        switch key {
        case .character(let digit) where digit.isASCII && digit.isNumber && pin.count < Self.pinLength:
            pin.append(digit)
            if note == .incomplete { note = nil }
        case .backspace:
            if !pin.isEmpty { pin.removeLast() }
        case .up, .backTab:
            if !accounts.isEmpty { account = (account + accounts.count - 1) % accounts.count }
        case .down, .tab:
            if !accounts.isEmpty { account = (account + 1) % accounts.count }
        case .enter:
            guard pin.count == Self.pinLength else {
                note = .incomplete
                return nil
            }
            guard accounts.indices.contains(account) else { return nil }
            return (pin, account)
        default:
            break
        }
        return nil
    }
}
