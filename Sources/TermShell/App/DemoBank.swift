import Foundation
import MiniKit
import MiniSupport

/// The demo banking data the home screen shows (seeds/bank.json): users, accounts, recent transactions.
public struct DemoBank: Sendable, Hashable {
    public struct Account: Sendable, Hashable {
        public var name: String
        public var nameZh: String
        public var number: String
        /// In yuan; negative for what is owed.
        public var balance: Double
    }

    public struct Transaction: Sendable, Hashable {
        public var date: String
        public var text: String
        public var textZh: String
        public var amount: Double

        public init(date: String, text: String, textZh: String, amount: Double) {
            self.date = date
            self.text = text
            self.textZh = textZh
            self.amount = amount
        }
    }

    /// A payment the shell's bank made for a customer: from which account, and the line home shows.
    public struct Payment: Sendable, Hashable {
        /// The paying account's number.
        public var account: String
        public var transaction: Transaction

        public init(account: String, transaction: Transaction) {
            self.account = account
            self.transaction = transaction
        }
    }

    public struct User: Sendable, Hashable {
        public var id: String
        public var name: String
        public var nameZh: String
        public var tier: String
        /// The six-digit payment PIN; nil for a typed user, who cannot pay.
        public var pin: String?
        /// The mobile number the bank verified (what `user.phoneNumber` shares, with consent).
        public var phone: String?
        /// The user's context for gray rules, sent with catalog requests.
        public var properties: [String: String]
        public var accounts: [Account]
        public var transactions: [Transaction]

        /// A user typed at the login screen: no demo data, no properties.
        public static func typed(_ id: String) -> User {
            User(
                id: id, name: id, nameZh: id, tier: "", pin: nil, phone: nil, properties: [:], accounts: [],
                transactions: [])
        }
    }

    public var users: [User]

    public init(users: [User]) { self.users = users }

    /// Reads a bank file; errors name the JSON path. Bounded: at most 50 users, 20 accounts and 100
    /// transactions each, texts of at most 80 characters. A user's `pin` is six digits and `phone` 5 to 20
    /// digits; both are optional (without a PIN the user cannot pay).
    public static func load(_ data: Data) throws -> DemoBank {
        let root = JSONCursor(try JSONValue.parse(data))
        let items = try root.arrayField("users")
        guard items.count <= 50 else { throw root.error("at most 50 demo users") }
        func text(_ cursor: JSONCursor, _ key: String) throws(JSONPathError) -> String {
            let field = try cursor.require(key)
            let value = try field.string()
            guard (1...80).contains(value.count) else { throw field.error("1 to 80 characters") }
            return value
        }
        func amount(_ cursor: JSONCursor, _ key: String) throws(JSONPathError) -> Double {
            let field = try cursor.require(key)
            guard case .number(let value) = field.value, value.isFinite, abs(value) < 1e12 else {
                throw field.error("an amount in yuan")
            }
            return value
        }
        func digits(_ cursor: JSONCursor, _ key: String, _ lengths: ClosedRange<Int>, _ what: String)
            throws(JSONPathError) -> String?
        {
            guard let field = try cursor.field(key) else { return nil }
            let value = try field.string()
            guard lengths.contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw field.error(what)
            }
            return value
        }
        var users: [User] = []
        for item in items {
            let accounts = try item.arrayField("accounts")
            let transactions = try item.arrayField("transactions")
            guard accounts.count <= 20, transactions.count <= 100 else {
                throw item.error("at most 20 accounts and 100 transactions")
            }
            var properties: [String: String] = [:]
            if let cursor = try item.field("properties") {
                for (key, value) in try cursor.objectMembers().prefix(16) { properties[key] = try value.string() }
            }
            users.append(
                User(
                    id: try text(item, "id"), name: try text(item, "name"), nameZh: try text(item, "nameZh"),
                    tier: try text(item, "tier"), pin: try digits(item, "pin", 6...6, "six digits"),
                    phone: try digits(item, "phone", 5...20, "5 to 20 digits"), properties: properties,
                    accounts: try accounts.map { account throws(JSONPathError) in
                        Account(
                            name: try text(account, "name"), nameZh: try text(account, "nameZh"),
                            number: try text(account, "number"), balance: try amount(account, "balance"))
                    },
                    transactions: try transactions.map { transaction throws(JSONPathError) in
                        Transaction(
                            date: try text(transaction, "date"), text: try text(transaction, "text"),
                            textZh: try text(transaction, "textZh"), amount: try amount(transaction, "amount"))
                    }))
        }
        return DemoBank(users: users)
    }

    /// A mobile number as the consent dialog shows it: the first three and last four digits
    /// (`138****1002`).
    public static func masked(phone: String) -> String {
        guard phone.count > 7 else { return String(repeating: "*", count: phone.count) }
        return phone.prefix(3) + String(repeating: "*", count: phone.count - 7) + phone.suffix(4)
    }

    /// `¥52,340.18`, `-¥3,286.40`.
    public static func money(_ value: Double) -> String {
        (value < 0 ? "-" : "") + "¥" + Amount.grouped(value)
    }
}
