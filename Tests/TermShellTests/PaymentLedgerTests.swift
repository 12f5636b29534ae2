import Testing

@testable import TermShellRuntime

struct PaymentLedgerTests {
    @Test("payments go through while the balance covers them, per customer, and never for nothing or less")
    func balance() {
        let ledger = PaymentLedger()
        #expect(ledger.pay(60, user: "a", balance: 100))
        #expect(!ledger.pay(50, user: "a", balance: 100), "60 of 100 already paid")
        #expect(ledger.pay(40, user: "a", balance: 100))
        #expect(ledger.pay(50, user: "b", balance: 100), "another customer's money")
        #expect(!ledger.pay(0, user: "b", balance: 100))
        #expect(!ledger.pay(-5, user: "b", balance: 100))
    }
}
