import Foundation
import MiniKit
import SnapshotSupport
import TermShell
import TerminalCells
import Testing

/// The service centre and notices: the reducer and the screens.
struct ServicesScreenTests {
    static let services = [
        ShellState.Service(
            id: "com.carins.quote", name: ShellState.Text("On-demand car insurance", chinese: "按天车险"),
            summary: ShellState.Text(
                "Quote and buy car insurance by the day, paid from your bank account.",
                chinese: "按天报价、购买车险，从您的银行账户付款。"),
            category: "insurance", gray: false, installed: true, isNew: true),
        ShellState.Service(
            id: "com.harbourfunds.subscribe", name: "Harbour Funds",
            summary: "Browse Harbour's funds and subscribe through your bank account.", category: "investment",
            gray: true, installed: true),
        ShellState.Service(
            id: "com.eastsec.open-account", name: "EastSec account opening", category: "securities",
            gray: false, installed: false),
        ShellState.Service(
            id: "com.citypower.bills", name: "City utilities", category: "insurance", gray: false,
            installed: true),
    ]

    static func signedIn(_ language: UILanguage, _ width: Int = 80, _ height: Int = 24) -> ShellState {
        var state = ShellScreenTests.state(language, width, height)
        _ = ShellScreenTests.press(&state, .enter)
        _ = ShellReducer.reduce(
            &state, .catalog(services, .current(version: 12, expires: "10:45")))
        return state
    }

    @Test(
        "a service shows its name and description in the screens' language (English without a translation), its badges and no version"
    )
    func rows() {
        var state = Self.signedIn(.chinese)
        _ = ShellScreenTests.press(&state, .enter)
        let chinese = ShellView.render(state).text
        #expect(chinese.contains("按天车险"))
        #expect(chinese.contains("按天报价、购买车险"))
        #expect(chinese.contains("Harbour Funds"), "no translation: the English name")
        #expect(chinese.contains("新"))
        #expect(!chinese.contains("2.1.0") && !chinese.contains("v3"), "customers see no version numbers")
        state.language = .english
        let english = ShellView.render(state).text
        #expect(english.contains("On-demand car insurance") && english.contains("new"))
        #expect(english.contains("beta"))
        #expect(english.contains(" online · valid until 10:45"), "the title says the shell is online")
        #expect(english.contains("downloading…"))
    }

    @Test("a long list scrolls so that the highlighted service and its description are on screen")
    func scrolling() {
        var state = ShellScreenTests.state(.english, 80, 16)
        _ = ShellScreenTests.press(&state, .enter)
        let many = (0..<12).map { index in
            ShellState.Service(
                id: "com.example.s\(index)", name: ShellState.Text("Service \(index + 10)"),
                summary: ShellState.Text("What service \(index + 10) does"), category: "lifestyle", gray: false,
                installed: true)
        }
        _ = ShellReducer.reduce(&state, .catalog(many, .current(version: 1, expires: "10:45")))
        _ = ShellScreenTests.press(&state, .enter)
        #expect(ShellView.render(state).text.contains("Service 10"))
        for _ in 0..<11 { _ = ShellScreenTests.press(&state, .down) }
        let bottom = ShellView.render(state).text
        #expect(bottom.contains("Service 21") && bottom.contains("What service 21 does"), "\(bottom)")
        #expect(!bottom.contains("Service 10"), "scrolled past the first")
    }

    @Test("categories show in the shell's language (a partner's own word as it is), and search finds them so")
    func categories() {
        #expect(Strings.category("insurance", .chinese) == "保险")
        #expect(Strings.category("Insurance", .english) == "Insurance")
        #expect(Strings.category("pet-care", .chinese) == "pet-care")
        var state = Self.signedIn(.chinese)
        _ = ShellScreenTests.press(&state, .enter, .character("/"))
        for character in "保险" { _ = ShellScreenTests.press(&state, .character(character)) }
        #expect(state.visibleServices.map(\.category) == ["insurance", "insurance"])
    }

    @Test("a new catalog keeps the highlight on the same service, even when a service appears above it")
    func selectionFollowsService() {
        var state = Self.signedIn(.english)
        _ = ShellScreenTests.press(&state, .enter, .down, .down)
        let chosen = state.visibleServices[state.serviceSelection].id
        let added = ShellState.Service(
            id: "com.aaa.first", name: "Aardvark insurance", category: "insurance", gray: false,
            installed: true)
        _ = ShellReducer.reduce(&state, .catalog([added] + Self.services, .current(version: 14, expires: "11:00")))
        #expect(state.visibleServices[state.serviceSelection].id == chosen)
    }

    @Test("home → services: grouped by category, move, search narrows, Esc clears then goes back")
    func flow() {
        var state = Self.signedIn(.english)
        #expect(state.services.map(\.category) == ["insurance", "insurance", "investment", "securities"])
        _ = ShellScreenTests.press(&state, .enter)  // Services is the first action
        #expect(state.screen == .services)
        _ = ShellScreenTests.press(&state, .down, .down)
        #expect(state.serviceSelection == 2)
        _ = ShellScreenTests.press(&state, .character("/"), .character("f"), .character("u"), .character("n"))
        #expect(state.visibleServices.map(\.id) == ["com.harbourfunds.subscribe"])
        #expect(state.serviceSelection == 0)
        _ = ShellScreenTests.press(&state, .character("?"))
        #expect(!state.showingHelp, "? is text while searching")
        _ = ShellScreenTests.press(&state, .enter, .escape)
        #expect(state.search.isEmpty && state.screen == .services)
        _ = ShellScreenTests.press(&state, .escape)
        #expect(state.screen == .home)
    }

    @Test("a notice covers everything until a key dismisses it; a shrinking list keeps the selection inside")
    func notices() {
        var state = Self.signedIn(.chinese)
        _ = ShellScreenTests.press(&state, .enter, .down, .down, .down)
        _ = ShellReducer.reduce(
            &state,
            .notice(
                ShellState.Notice(service: "On-demand car insurance", reason: "Partner licence suspended")))
        _ = ShellReducer.reduce(
            &state, .catalog(Array(Self.services.prefix(1)), .current(version: 13, expires: "10:50")))
        #expect(state.serviceSelection == 0)
        #expect(ShellView.render(state).text.contains("Partner licence"))
        #expect(ShellView.render(state).text.contains("「On-demand car insurance」已下架"))
        #expect(ShellScreenTests.press(&state, .character("q")).isEmpty, "the key only dismisses the notice")
        #expect(state.notices.isEmpty)
        #expect(ShellScreenTests.press(&state, .character("q")) == [.quit])
    }

    @Test("services as text", arguments: [(80, 24), (120, 40)], [UILanguage.english, .chinese])
    func snapshots(size: (Int, Int), language: UILanguage) {
        var state = Self.signedIn(language, size.0, size.1)
        let suffix = "\(language.rawValue)-\(size.0)x\(size.1)"
        _ = ShellScreenTests.press(&state, .enter, .down)
        assertSnapshot(ShellView.render(state).text, named: "services-\(suffix)")
        _ = ShellReducer.reduce(
            &state, .catalog(Self.services, .disconnected(reason: "connection refused", expires: "10:45")))
        assertSnapshot(ShellView.render(state).text, named: "services-disconnected-\(suffix)")
        _ = ShellReducer.reduce(&state, .catalog(Self.services, .current(version: 12, expires: "10:45")))
        _ = ShellReducer.reduce(
            &state,
            .notice(
                ShellState.Notice(service: "Harbour Funds", reason: "Audit")))
        _ = ShellReducer.reduce(&state, .catalog(Self.services, .expired))
        assertSnapshot(ShellView.render(state).text, named: "services-notice-expired-\(suffix)")
    }

    @Test("without a server the service centre says how to get services")
    func offline() {
        var state = ShellScreenTests.state(.english)
        _ = ShellScreenTests.press(&state, .enter, .enter)
        #expect(state.screen == .services)
        #expect(ShellView.render(state).text.contains("start termshell with --server"))
    }
}
