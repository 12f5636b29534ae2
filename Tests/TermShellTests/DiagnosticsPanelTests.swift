import SnapshotSupport
import TermShell
import TerminalCells
import Testing

/// The QA panel: F2 or ctrl-d, over any screen; keys do not reach the screen beneath.
struct DiagnosticsPanelTests {
    static let diagnostics = ShellState.Diagnostics(
        server: "http://127.0.0.1:8080", host: "mbank", deviceId: "d-3f2a9c1e0b7d4a5c6e8f9a1b", catalogVersion: 12,
        eventSequence: 14, issuedAt: "2026-11-25T10:00:00Z", launchableUntil: "2026-11-25T11:10:00Z",
        installed: [
            ("com.carins.quote", "2.1.0", "53b4cc37c964"), ("com.eastsec.open-account", "1.4.2", "eea28a583b61"),
        ],
        listed: [
            ("com.carins.quote", "2.1.0", nil),
            ("com.harbourfunds.subscribe", "3.0.0", "flexibleRollout: bucket 12 of 100, rollout 30%"),
        ],
        log: [
            ("10:03:12", "delisted-and-purged", "com.citypower.bills: Partner licence suspended (event 14)"),
            ("10:01:40", "refused", "catalog [rollback] version 11 is older than 12"),
            ("10:00:02", "synced", "v12, 2 services, 1 taken down"),
        ])

    @Test("F2 and ctrl-d toggle the panel; while it is open keys do nothing else; Esc closes it")
    func toggles() {
        var state = ServicesScreenTests.signedIn(.english)
        _ = ShellScreenTests.press(&state, .function(2))
        #expect(state.showingDiagnostics)
        #expect(ShellScreenTests.press(&state, .enter, .right).isEmpty)
        #expect(state.screen == .home && state.homeFocus == 0, "the screen beneath did not move")
        _ = ShellScreenTests.press(&state, .escape)
        #expect(!state.showingDiagnostics)
        _ = ShellScreenTests.press(&state, .control("d"), .control("d"))
        #expect(!state.showingDiagnostics)
        _ = ShellScreenTests.press(&state, .function(2))
        #expect(ShellView.render(state).text.contains("no sync session"))
    }

    @Test("the panel as text", arguments: [UILanguage.english, .chinese])
    func snapshot(language: UILanguage) {
        var state = ServicesScreenTests.signedIn(language, 120, 40)
        _ = ShellReducer.reduce(&state, .diagnostics(Self.diagnostics))
        _ = ShellScreenTests.press(&state, .function(2))
        let text = ShellView.render(state).text
        assertSnapshot(text, named: "qa-panel-\(language.rawValue)-120x40")
        #expect(text.contains("com.harbourfunds.subscribe 3.0.0"), "QA keeps the versions")
        #expect(
            text.contains("flexibleRollout: bucket 12 of 100, rollout 30%"), "and why this user is in a gray release")
    }
}
