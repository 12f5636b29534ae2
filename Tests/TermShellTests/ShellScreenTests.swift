import Foundation
import MiniKit
import MiniSupport
import SnapshotSupport
import TermShell
import TerminalCells
import Testing

/// The reducer's flows and the screens as text snapshots (80×24 and 120×40, English and Chinese).
struct ShellScreenTests {
    static let bank: DemoBank = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("seeds/bank.json")
        return try! DemoBank.load(try! Data(contentsOf: file))
    }()

    static func state(_ language: UILanguage, _ width: Int = 80, _ height: Int = 24) -> ShellState {
        ShellState(language: language, bank: bank, width: width, height: height)
    }

    static func press(_ state: inout ShellState, _ keys: Key...) -> [ShellEffect] {
        keys.flatMap { ShellReducer.reduce(&state, .key($0)) }
    }

    @Test("login: move, choose a demo customer, sign out, type an id, quit")
    func loginFlow() {
        var state = Self.state(.english)
        #expect(Self.press(&state, .down, .enter) == [.signedIn(Self.bank.users[1])])
        #expect(state.screen == .home)
        #expect(state.user?.id == "u-1004")
        #expect(Self.press(&state, .right, .right, .enter) == [.signedOut], "the third action is sign out")
        #expect(state.screen == .login)
        // The last row types an id; only id characters are taken; Esc cancels, Enter signs in.
        _ = Self.press(&state, .up, .up)
        #expect(state.loginSelection == Self.bank.users.count)
        _ = Self.press(&state, .enter, .character("x"), .character(" "), .character("7"), .character("中"), .backspace)
        #expect(state.typedUser == "x")
        _ = Self.press(&state, .escape)
        #expect(state.typedUser == nil)
        _ = Self.press(&state, .enter, .character("q"), .character("a"))
        #expect(state.typedUser == "qa", "q types while typing")
        #expect(Self.press(&state, .enter) == [.signedIn(.typed("qa"))])
        #expect(Self.press(&state, .left, .enter) == [.quit], "left from the first action wraps to quit")
    }

    @Test("? shows the keys and any key closes them; q quits from the login")
    func helpAndQuit() {
        var state = Self.state(.chinese)
        _ = Self.press(&state, .character("?"))
        #expect(state.showingHelp)
        #expect(Self.press(&state, .character("q")).isEmpty, "the key that closes the overlay does nothing else")
        #expect(!state.showingHelp)
        #expect(Self.press(&state, .character("q")) == [.quit])
        let typedLong = Array(repeating: Key.character("a"), count: 100)
        var typing = Self.state(.english)
        typing.loginSelection = Self.bank.users.count
        _ = Self.press(&typing, .enter)
        for key in typedLong { _ = ShellReducer.reduce(&typing, .key(key)) }
        #expect(typing.typedUser?.count == ShellReducer.maximumTypedUser)
    }

    @Test(
        "screens as text",
        arguments: [(80, 24), (120, 40)], [UILanguage.english, .chinese])
    func snapshots(size: (Int, Int), language: UILanguage) {
        let suffix = "\(language.rawValue)-\(size.0)x\(size.1)"
        var state = Self.state(language, size.0, size.1)
        assertSnapshot(ShellView.render(state).text, named: "login-\(suffix)")
        _ = Self.press(&state, .enter)
        assertSnapshot(ShellView.render(state).text, named: "home-\(suffix)")
        _ = Self.press(&state, .character("?"))
        assertSnapshot(ShellView.render(state).text, named: "home-keys-\(suffix)")
    }

    @Test("a terminal below 60×16 gets a message instead of a squeezed screen; resizing back restores it")
    func tooSmall() {
        var state = Self.state(.english, 50, 10)
        #expect(ShellView.render(state).text.contains("The terminal is too small"))
        #expect(ShellView.render(state).text.contains("50×10 < 60×16"))
        _ = ShellReducer.reduce(&state, .resized(width: 80, height: 24))
        #expect(ShellView.render(state).text.contains("Choose a demo customer"))
    }

    @Test("the frame diff holds only changed cells, never half a wide character")
    func frameDiff() {
        var state = Self.state(.chinese)
        let first = ShellView.render(state)
        let full = FrameDiff.between(nil, first)
        #expect(full.full && full.cellCount == 80 * 24)
        _ = Self.press(&state, .down)
        let second = ShellView.render(state)
        let diff = FrameDiff.between(first, second)
        #expect(!diff.full)
        #expect(Set(diff.runs.map(\.y)) == [4, 5], "the old and the new highlighted rows")
        for run in diff.runs {
            #expect(run.cells.first?.isContinuation == false)
            if run.x + run.cells.count < 80 { #expect(second[run.x + run.cells.count, run.y].isContinuation == false) }
        }
        #expect(FrameDiff.between(second, second).runs.isEmpty)
    }

    @Test("money and the bank file")
    func bankData() {
        #expect(DemoBank.money(52340.18) == "¥52,340.18")
        #expect(DemoBank.money(-3286.4) == "-¥3,286.40")
        #expect(DemoBank.money(0.05) == "¥0.05")
        #expect(DemoBank.money(1_000_000) == "¥1,000,000.00")
        #expect(throws: (any Error).self) { try DemoBank.load(Data(#"{"users": [{"id": "x"}]}"#.utf8)) }
        #expect(Self.bank.users.count == 3)
    }

    @Test("home's title bar says whether the shell is online and until when its list is valid, beside the customer")
    func homeConnection() {
        var state = Self.state(.english)
        _ = Self.press(&state, .enter)
        _ = ShellReducer.reduce(&state, .catalog([], .current(version: 3, expires: "10:45")))
        #expect(ShellView.render(state).text.split(separator: "\n")[0].contains("online · valid until 10:45 · Li Na"))
        _ = ShellReducer.reduce(&state, .catalog([], .disconnected(reason: "refused", expires: "10:45")))
        #expect(
            ShellView.render(state).text.split(separator: "\n")[0].contains("offline · valid until 10:45 · Li Na"))
        state.language = .chinese
        #expect(ShellView.render(state).text.split(separator: "\n")[0].contains("离线 · 有效期至 10:45 · 李娜"))
        state.language = .english
        _ = ShellReducer.reduce(&state, .catalog([], .expired))
        #expect(ShellView.render(state).text.split(separator: "\n")[0].contains("expired"))
    }

    @Test("payments the bank made show on home: the paying account's balance and the newest transactions")
    func paid() throws {
        var state = Self.state(.english)
        _ = Self.press(&state, .enter)
        let user = try #require(state.user)
        let savings = user.accounts[1]
        _ = ShellReducer.reduce(
            &state,
            .payments([
                DemoBank.Payment(
                    account: savings.number,
                    transaction: DemoBank.Transaction(
                        date: "2026-11-26", text: "CarIns Ltd.", textZh: "CarIns Ltd.", amount: -44.4))
            ]))
        #expect(abs(state.balance(savings) - (savings.balance - 44.4)) < 0.001)
        #expect(state.balance(user.accounts[0]) == user.accounts[0].balance, "another account is untouched")
        #expect(state.transactions.first?.text == "CarIns Ltd.")
        #expect(ShellView.render(state).text.contains(DemoBank.money(savings.balance - 44.4)))
        _ = Self.press(&state, .right, .right, .enter)
        #expect(state.user == nil && state.payments.isEmpty, "signing out forgets them on screen")
    }

    @Test("the bank file: a PIN is six digits, a phone 5 to 20 digits; the seed gives each customer their own")
    func bankFile() throws {
        #expect(Set(Self.bank.users.compactMap(\.phone)).count == Self.bank.users.count)
        #expect(Self.bank.users.allSatisfy { $0.pin?.count == 6 })
        func user(_ extra: String) -> Data {
            Data(
                #"{"users": [{"id": "x", "name": "X", "nameZh": "X", "tier": "vip", "accounts": [], "transactions": [] \#(extra)}]}"#
                    .utf8)
        }
        #expect(try DemoBank.load(user(#", "pin": "123456""#)).users[0].pin == "123456")
        #expect(throws: JSONPathError.self) { try DemoBank.load(user(#", "pin": "12345""#)) }
        #expect(throws: JSONPathError.self) { try DemoBank.load(user(#", "pin": "12345x""#)) }
        #expect(throws: JSONPathError.self) { try DemoBank.load(user(#", "phone": "+8613800001002""#)) }
        #expect(DemoBank.masked(phone: "13800001002") == "138****1002")
        #expect(DemoBank.masked(phone: "12345") == "*****")
    }
}
