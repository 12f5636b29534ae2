import MiniKit
import TermShell
import TerminalCells
import Testing

/// A terminal in memory: keys from a script, frames applied to a screen the test reads.
final class ScriptedTerminal: TerminalBackend {
    var size: (width: Int, height: Int)
    var keys: [Key]
    private(set) var screen: CellBuffer
    private(set) var flushes: [FrameDiff] = []
    /// The accents the loop set, in order.
    private(set) var accents: [String?] = []

    func apply(accent: String?) { accents.append(accent) }

    init(width: Int, height: Int, keys: [Key]) {
        size = (width, height)
        self.keys = keys
        screen = CellBuffer(width: width, height: height)
    }

    func flush(_ diff: FrameDiff) {
        if diff.full { screen = CellBuffer(width: size.width, height: size.height) }
        for run in diff.runs {
            for (offset, cell) in run.cells.enumerated() { screen[run.x + offset, run.y] = cell }
        }
        flushes.append(diff)
    }

    func nextKey(timeout: Duration) -> Key? {
        guard !keys.isEmpty else { return .character("q") }
        let key = keys.removeFirst()
        if case .function(let columns) = key {  // the script's way to resize
            size = (columns, size.height)
            return .resize
        }
        return key
    }
}

struct ShellLoopTests {
    @Test("the loop flushes only what changed, follows a resize, and returns on quit")
    func loop() {
        let terminal = ScriptedTerminal(
            width: 80, height: 24, keys: [.down, .enter, .function(100), .left, .enter])
        var effects: [ShellEffect] = []
        var news: [[ShellAction]] = [[.catalog([], .syncing)]]
        let final = ShellLoop.run(
            terminal, state: ShellState(language: .english, bank: ShellScreenTests.bank, width: 10, height: 10),
            news: { news.isEmpty ? [] : news.removeFirst() }, handle: { effects.append($0) })
        #expect(final.sync == .syncing, "news from outside the loop reach the state")
        #expect(effects.map { if case .signedIn(let user) = $0 { user.id } else { "other" } } == ["u-1004"])
        #expect(final.width == 100, "the resize reached the state")
        #expect(terminal.flushes.first?.full == true)
        #expect(terminal.flushes[1].full == false && terminal.flushes[1].cellCount < 200, "a move redraws two rows")
        #expect(terminal.screen.text.contains("Zhang Wei"))
        #expect(terminal.screen.text == ShellView.render(final).text, "what the terminal holds is the last frame")
    }
}

struct BrandTests {
    static let metro = ShellState.Brand(
        title: ShellState.Text("Metro Pay", chinese: "地铁支付"),
        services: ShellState.Text("City services", chinese: "城市服务"), accent: "green")

    @Test("a host's brand titles every screen and names the service centre, in the screens' language")
    func screens() {
        var state = ShellScreenTests.state(.english)
        _ = ShellReducer.reduce(&state, .brand(Self.metro))
        #expect(ShellView.render(state).text.hasPrefix(" Metro Pay"), "the sign-in screen")
        _ = ShellScreenTests.press(&state, .enter)
        let home = ShellView.render(state).text
        #expect(home.hasPrefix(" Metro Pay · Home"))
        #expect(home.contains("[ City services ]"))
        _ = ShellScreenTests.press(&state, .enter)
        #expect(ShellView.render(state).text.hasPrefix(" Metro Pay · City services"))
        state.language = .chinese
        #expect(ShellView.render(state).text.hasPrefix(" 地铁支付 · 城市服务"))
        _ = ShellReducer.reduce(&state, .brand(nil))
        #expect(ShellView.render(state).text.hasPrefix(" 迷你银行 · 服务中心"), "no brand: the shell's own")
    }

    @Test("the loop gives the terminal the brand's accent when it changes, once")
    func accent() {
        let terminal = ScriptedTerminal(width: 80, height: 24, keys: [.down, .up])
        var news: [[ShellAction]] = [[.brand(Self.metro)], [.brand(Self.metro)], [.brand(nil)]]
        _ = ShellLoop.run(
            terminal, state: ShellState(language: .english, bank: ShellScreenTests.bank, width: 80, height: 24),
            news: { news.isEmpty ? [] : news.removeFirst() })
        #expect(terminal.accents == ["green", nil])
    }

    @Test("a brand that changes only its accent is shown: the terminal is flushed though no cell changed")
    func accentOnly() {
        // The sign-in list ignores ←: the second news changes no cell.
        let terminal = ScriptedTerminal(width: 80, height: 24, keys: [.left])
        var red = Self.metro
        red.accent = "red"
        var news: [[ShellAction]] = [[.brand(Self.metro)], [.brand(red)]]
        _ = ShellLoop.run(
            terminal, state: ShellState(language: .english, bank: ShellScreenTests.bank, width: 80, height: 24),
            news: { news.isEmpty ? [] : news.removeFirst() })
        #expect(terminal.accents == ["green", "red"])
        #expect(terminal.flushes.contains { !$0.full && $0.runs.isEmpty }, "the recolouring's own flush")
    }
}

struct HangUpTests {
    @Test("a terminal that is gone ends the shell")
    func hangUp() {
        var state = ShellScreenTests.state(.english)
        #expect(ShellReducer.reduce(&state, .key(.hangUp)) == [.quit])
    }
}
