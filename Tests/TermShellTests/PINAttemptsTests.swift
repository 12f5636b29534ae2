import TermShell
import Testing

/// The PIN counter: every path through three tries.
struct PINAttemptsTests {
    @Test("the right PIN pays and does not count; wrong ones count down; the third locks even the right PIN")
    func countdown() {
        var attempts = PINAttempts()
        #expect(attempts.check("123456", against: "123456") == .accepted)
        #expect(attempts.wrong == 0)
        #expect(attempts.check("000000", against: "123456") == .wrong(triesLeft: 2))
        #expect(attempts.check("123456", against: "123456") == .accepted, "a right PIN before the lock pays")
        #expect(attempts.check("111111", against: "123456") == .wrong(triesLeft: 1))
        #expect(!attempts.isLocked)
        #expect(attempts.check("222222", against: "123456") == .locked)
        #expect(attempts.isLocked)
        #expect(attempts.check("123456", against: "123456") == .locked, "locked until a new counter")
        #expect(attempts.wrong == PINAttempts.allowed, "a locked counter counts no more")
    }

    @Test("a customer without a PIN never pays: every try is wrong")
    func noPIN() {
        var attempts = PINAttempts()
        #expect(attempts.check("123456", against: nil) == .wrong(triesLeft: 2))
        #expect(attempts.check("", against: nil) == .wrong(triesLeft: 1))
        #expect(attempts.check("123456", against: nil) == .locked)
    }
}
