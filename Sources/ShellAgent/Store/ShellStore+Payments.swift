import Foundation
import GRDB

/// The demo bank's payments, per customer: they survive signing out and restarting the shell.
extension ShellStore {
    /// One payment from one of a customer's accounts.
    public struct Payment: Sendable, Hashable {
        /// The paying account's number, as the bank file writes it.
        public var account: String
        /// `yyyy-MM-dd`, local.
        public var day: String
        public var text: String
        /// In yuan, positive: what left the account.
        public var amount: Double

        public init(account: String, day: String, text: String, amount: Double) {
            self.account = account
            self.day = day
            self.text = text
            self.amount = amount
        }
    }

    /// The most payments ``payments(user:)`` returns (the balances count them all).
    public static let shownPayments = 100

    /// A customer's newest payments, newest first.
    public func payments(user: String) throws -> [Payment] {
        try queue.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT account, day, text, amount FROM payment WHERE user_id = ? ORDER BY id DESC LIMIT ?"),
                arguments: [user, Self.shownPayments]
            ).map { Payment(account: $0["account"], day: $0["day"], text: $0["text"], amount: $0["amount"]) }
        }
    }

    /// What a customer has paid from an account so far.
    public func paid(user: String, account: String) throws -> Double {
        try queue.read { db in try Self.paid(user: user, account: account, db) }
    }

    /// Records the payment when the account, which opened with `openingBalance`, still holds the amount after
    /// what was paid from it before; checked and written in one transaction. False: not enough money.
    public func recordPayment(_ payment: Payment, user: String, openingBalance: Double) throws -> Bool {
        try queue.write { db in
            guard payment.amount > 0,
                openingBalance - (try Self.paid(user: user, account: payment.account, db)) >= payment.amount
            else { return false }
            try db.run(
                "INSERT INTO payment (user_id, account, day, text, amount) VALUES (?, ?, ?, ?, ?)",
                [user, payment.account, payment.day, payment.text, payment.amount])
            return true
        }
    }

    private static func paid(user: String, account: String, _ db: Database) throws -> Double {
        try Double.fetchOne(
            db.cachedStatement(sql: "SELECT COALESCE(SUM(amount), 0) FROM payment WHERE user_id = ? AND account = ?"),
            arguments: [user, account]) ?? 0
    }
}
