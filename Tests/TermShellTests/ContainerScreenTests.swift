import MiniKit
import SnapshotSupport
import TermShell
import TerminalCells
import Testing

/// The container: keys go to the page, dialogs take them first, ctrl-w closes; the screens as text.
struct ContainerScreenTests {
    static func page(_ width: Int, _ height: Int) -> CellBuffer {
        var page = CellBuffer(width: width, height: height)
        page.write("Car insurance by the day", x: 0, y: 0, role: .heading)
        page.write("Plate number: [沪A12345  ]", x: 0, y: 2, role: .input)
        page.write("[ Get quotes ]", x: 0, y: 4, role: .button, focused: true)
        return page
    }

    static func open(_ language: UILanguage, _ width: Int = 80, _ height: Int = 24, dialog: ShellState.Dialog? = nil)
        -> ShellState
    {
        var state = ServicesScreenTests.signedIn(language, width, height)
        _ = ShellScreenTests.press(&state, .enter)
        #expect(ShellScreenTests.press(&state, .down, .enter) == [.open(appId: "com.carins.quote")])
        _ = ShellReducer.reduce(
            &state,
            .container(
                ShellState.Container(
                    appId: "com.carins.quote", title: "On-demand car insurance", canGoBack: true,
                    page: Self.page(width, height - 2))))
        if let dialog { _ = ShellReducer.reduce(&state, .dialog(appId: "com.carins.quote", dialog)) }
        return state
    }

    @Test("keys become the page's inputs; ctrl-w closes; q and ? are text for the page")
    func keys() {
        var state = Self.open(.english)
        #expect(state.screen == .container)
        #expect(
            ShellScreenTests.press(&state, .tab, .up, .enter, .escape, .character("q"), .character("?"))
                == [
                    .input(.focusNext), .input(.focusPrevious), .input(.activate), .input(.back),
                    .input(.character("q")), .input(.character("?")),
                ])
        #expect(!state.showingHelp)
        #expect(
            ShellReducer.reduce(&state, .resized(width: 100, height: 30)) == [.resized(width: 100, height: 30)],
            "the running mini-program lays its page out again")
        #expect(ShellState.pageArea(width: 100, height: 30) == (98, 28), "inside the margins, between the bars")
        #expect(ShellScreenTests.press(&state, .control("w")) == [.close])
        _ = ShellReducer.reduce(&state, .containerClosed)
        #expect(state.screen == .services && state.container == nil)
    }

    static let accounts = [
        PaymentDialog.Account(name: "Current account", nameZh: "活期账户", number: "6222 •••• 1002", balance: "¥52,340.18"),
        PaymentDialog.Account(name: "Savings", nameZh: "定期存款", number: "6222 •••• 7781", balance: "¥200,000.00"),
    ]

    static let payment = PaymentDialog(
        app: "On-demand car insurance", amount: "¥44.40", payee: "CarIns Ltd.", description: "Third party",
        accounts: accounts)

    static let consent = ConsentDialog(
        app: "EastSec account opening", partner: "EastSec Securities", scope: "phoneNumber",
        reason: "Fill in your verified mobile number", shared: "138****1002")

    @Test("a payment dialog takes six digits and an account, then Enter pays; fewer digits say so; Esc cancels")
    func payment() throws {
        var state = Self.open(.english, dialog: .payment(Self.payment))
        #expect(ShellScreenTests.press(&state, .enter).isEmpty, "no PIN yet")
        guard case .payment(let incomplete)? = state.container?.dialog else {
            Issue.record("the payment dialog is open")
            return
        }
        #expect(incomplete.note == .incomplete)
        #expect(ShellView.render(state).text.contains("Enter all 6 digits of your PIN"))
        #expect(ShellScreenTests.press(&state, .character("1"), .character("x"), .character("2")).isEmpty)
        guard case .payment(let typed)? = state.container?.dialog else {
            Issue.record("the payment dialog is open")
            return
        }
        #expect(typed.pin == "12", "letters are not digits")
        #expect(typed.note == nil, "typing clears the hint")
        _ = ShellScreenTests.press(&state, .backspace, .character("9"), .character("9"), .character("9"))
        _ = ShellScreenTests.press(&state, .character("9"), .character("9"), .character("9"), .character("9"))
        _ = ShellScreenTests.press(&state, .down)
        #expect(ShellView.render(state).text.contains("◉ Savings 6222 •••• 7781 · ¥200,000.00"))
        _ = ShellScreenTests.press(&state, .down)
        #expect(ShellView.render(state).text.contains("◉ Current account"), "the choice wraps")
        _ = ShellScreenTests.press(&state, .up)
        #expect(ShellScreenTests.press(&state, .enter) == [.answer(.pay(pin: "199999", account: 1))])
        #expect(state.container?.dialog == nil)

        var wrong = Self.payment
        wrong.note = .wrongPIN(triesLeft: 2)
        let asked = Self.open(.english, dialog: .payment(wrong))
        #expect(ShellView.render(asked).text.contains("Wrong PIN, 2 tries left"))
        var cancelled = Self.open(.english, dialog: .payment(Self.payment))
        #expect(ShellScreenTests.press(&cancelled, .character("1"), .escape) == [.answer(.decided(false))])
    }

    @Test("consent: Allow is focused; arrows move between Deny and Allow; Enter presses; Esc denies; modals")
    func dialogs() {
        var consent = Self.open(.english, dialog: .consent(Self.consent))
        let text = ShellView.render(consent).text
        #expect(text.contains("EastSec account opening (EastSec Securities)"))
        #expect(text.contains("Shares: 138****1002"))
        #expect(text.contains("[ Deny ]  [ Allow ]"))
        #expect(ShellScreenTests.press(&consent, .left).isEmpty)
        #expect(ShellScreenTests.press(&consent, .enter) == [.answer(.decided(false))], "Deny pressed")
        var allowing = Self.open(.english, dialog: .consent(Self.consent))
        #expect(ShellScreenTests.press(&allowing, .tab, .tab, .enter) == [.answer(.decided(true))])
        var escaping = Self.open(.english, dialog: .consent(Self.consent))
        #expect(ShellScreenTests.press(&escaping, .escape) == [.answer(.decided(false))])
        var modal = Self.open(.english, dialog: .modal(title: "Sure?", content: "Discard", confirm: "OK", cancel: nil))
        #expect(ShellScreenTests.press(&modal, .escape).isEmpty, "a modal without cancel must be confirmed")
        #expect(ShellScreenTests.press(&modal, .enter) == [.answer(.decided(true))])
        var other = Self.open(.english)
        #expect(
            ShellReducer.reduce(
                &other, .dialog(appId: "com.other", .modal(title: "", content: "", confirm: "", cancel: nil)))
                == [.answer(.decided(false))], "a dialog for another app is declined")
    }

    static let about = ShellState.Container.About(
        name: ShellState.Text("On-demand car insurance", chinese: "按天车险"),
        summary: ShellState.Text("Quote and buy car insurance by the day.", chinese: "按天报价、购买车险。"),
        partner: "CarIns Ltd.", category: "insurance", version: "2.1.0",
        scopes: ["network", "storage", "payment", "openId"], domains: ["api.carins.example"])

    static func withCapsule(_ language: UILanguage, _ width: Int = 80, _ height: Int = 24) -> ShellState {
        var state = Self.open(language, width, height)
        _ = ShellReducer.reduce(
            &state,
            .container(
                ShellState.Container(
                    appId: "com.carins.quote", title: "On-demand car insurance", canGoBack: false,
                    page: Self.page(width - 2, height - 2), about: Self.about)))
        return state
    }

    @Test("the capsule: About is a page in words, favourites toggle, a complaint is sent, permissions, reload, close")
    func capsule() {
        var state = Self.withCapsule(.english)
        _ = ShellScreenTests.press(&state, .function(3))
        #expect(state.container?.menu == 0)
        #expect(ShellView.render(state).text.contains("About this service"))
        _ = ShellScreenTests.press(&state, .enter)
        let about = ShellView.render(state).text
        #expect(about.contains("Provided by: CarIns Ltd."))
        #expect(about.contains("It may use: the network, storage on this device, payments, a"))
        #expect(about.contains("link to your account"), "wrapped under its label")
        #expect(about.contains("It connects to: api.carins.example"))
        #expect(!about.contains("sha256") && !about.contains("openId"), "no hashes or scope identifiers")
        #expect(ShellScreenTests.press(&state, .character("x")).isEmpty, "any key closes the page, nothing else")
        #expect(state.container?.showingAbout == false)

        #expect(
            ShellScreenTests.press(&state, .function(3), .down, .enter) == [
                .setFavourite(appId: "com.carins.quote", true)
            ])
        #expect(state.toast == "Added to your favourites on home.")
        _ = ShellScreenTests.press(&state, .character(" "))
        _ = ShellReducer.reduce(&state, .shortcuts(favourites: ["com.carins.quote"], recents: []))
        #expect(state.container?.favourite == true)
        _ = ShellScreenTests.press(&state, .function(3))
        #expect(ShellView.render(state).text.contains("Remove from favourites"))
        _ = ShellScreenTests.press(&state, .escape)

        _ = ShellScreenTests.press(&state, .function(3), .down, .down, .enter)
        #expect(state.container?.complaint != nil)
        #expect(ShellView.render(state).text.contains("Misleading information or prices"))
        _ = ShellScreenTests.press(&state, .down, .down)
        for character in "Asked for my ID card twice" { _ = ShellScreenTests.press(&state, .character(character)) }
        #expect(ShellView.render(state).text.contains("Asked for my ID card twice▏"))
        #expect(
            ShellScreenTests.press(&state, .enter) == [
                .complain(appId: "com.carins.quote", reason: .privacy, text: "Asked for my ID card twice")
            ])
        #expect(state.container?.complaint == nil)
        _ = ShellScreenTests.press(&state, .function(3), .down, .down, .enter, .character("a"), .escape)
        #expect(state.container?.complaint == nil, "Esc cancels the form")

        #expect(ShellScreenTests.press(&state, .function(3), .up, .up, .up, .enter) == [.refreshSettings])
        #expect(state.screen == .settings)
        _ = ShellScreenTests.press(&state, .escape)
        #expect(state.screen == .container, "back to the running mini-program")
        #expect(ShellScreenTests.press(&state, .function(3), .up, .up, .enter) == [.reload])
        #expect(ShellScreenTests.press(&state, .function(3), .up, .enter) == [.close])
        _ = ShellScreenTests.press(&state, .function(3), .escape)
        #expect(state.container?.menu == nil)
    }

    @Test("About and the complaint form as text", arguments: [UILanguage.english, .chinese])
    func capsuleSnapshots(language: UILanguage) {
        var state = Self.withCapsule(language)
        _ = ShellScreenTests.press(&state, .function(3), .enter)
        assertSnapshot(ShellView.render(state).text, named: "container-about-\(language.rawValue)-80x24")
        _ = ShellScreenTests.press(&state, .character(" "), .function(3), .down, .down, .enter, .down)
        assertSnapshot(ShellView.render(state).text, named: "container-complaint-\(language.rawValue)-80x24")
    }

    @Test(
        "the container and its dialogs as text", arguments: [(80, 24), (120, 40)], [UILanguage.english, .chinese])
    func snapshots(size: (Int, Int), language: UILanguage) {
        let suffix = "\(language.rawValue)-\(size.0)x\(size.1)"
        func open(dialog: ShellState.Dialog? = nil) -> ShellState {
            Self.open(language, size.0, size.1, dialog: dialog)
        }
        assertSnapshot(ShellView.render(open()).text, named: "container-\(suffix)")
        var menu = open()
        _ = ShellScreenTests.press(&menu, .function(3))
        assertSnapshot(ShellView.render(menu).text, named: "container-menu-\(suffix)")
        var payment = Self.payment
        payment.pin = "123"
        payment.note = .wrongPIN(triesLeft: 1)
        let paying = open(dialog: .payment(payment))
        assertSnapshot(ShellView.render(paying).text, named: "container-payment-\(suffix)")
        let asking = open(dialog: .consent(Self.consent))
        assertSnapshot(ShellView.render(asking).text, named: "container-consent-\(suffix)")
        var toasted = open()
        _ = ShellReducer.reduce(&toasted, .toast("Type your number instead"))
        assertSnapshot(ShellView.render(toasted).text, named: "container-toast-\(suffix)")
    }

    @Test("a refused launch is said in the screens' language, with the local time")
    func refusals() {
        var state = ServicesScreenTests.signedIn(.chinese)
        _ = ShellReducer.reduce(&state, .refused(.expired(at: "10:45")))
        #expect(state.toast == "服务列表已于 10:45 过期且无法更新，请连接网络后继续。")
        state.toast = nil
        state.language = .english
        _ = ShellReducer.reduce(&state, .refused(.notListed))
        #expect(state.toast == "This service is not available to you.")
    }

    @Test("a long question and a long message wrap: every word is on screen, and the keys still show")
    func longTextWraps() {
        let question = "This fund's risk (4) is above your assessed level (3). Subscribe anyway? Funds can lose value."
        let asking = Self.open(
            .english, 80, 24,
            dialog: .modal(title: "Above your risk level", content: question, confirm: "Subscribe", cancel: "Not now"))
        let screen = ShellView.render(asking).text
        let words = screen.split(whereSeparator: { $0 == " " || $0 == "│" || $0 == "\n" })
        for word in question.split(separator: " ") { #expect(words.contains(word), "\(word) is missing:\n\(screen)") }
        #expect(screen.contains("Enter Subscribe · Esc Not now"), "\(screen)")
        var toasted = Self.open(.english, 80, 24)
        let long =
            "Payment did not go through: the bank could not reach the payee in time, so nothing left your account; try again in a minute"
        _ = ShellReducer.reduce(&toasted, .toast(long))
        let shown = ShellView.render(toasted).text.split(whereSeparator: { $0 == " " || $0 == "│" || $0 == "\n" })
        for word in long.split(separator: " ") { #expect(shown.contains(word), "\(word) is missing") }
    }
}
