import SnapshotSupport
import TermShell
import TerminalCells
import Testing

/// Settings: language, permissions with revoke, storage, cache, switching user.
struct SettingsScreenTests {
    static let settings = ShellState.Settings(
        permissions: [
            .init(app: "com.carins.quote", scope: "payment", granted: true),
            .init(app: "com.carins.quote", scope: "location", granted: false),
            .init(app: "com.eastsec.open-account", scope: "phoneNumber", granted: nil),
        ],
        storage: [.init(app: "com.carins.quote", keys: 2, bytes: 61)], packages: 2, packageBytes: 8_048)

    static func open(_ language: UILanguage, _ width: Int = 80, _ height: Int = 24) -> ShellState {
        var state = ServicesScreenTests.signedIn(language, width, height)
        _ = ShellReducer.reduce(&state, .settings(Self.settings))
        _ = ShellScreenTests.press(&state, .right, .enter)
        return state
    }

    @Test(
        "Enter toggles the language, denies an allowed permission, allows a denied or unasked one, clears the cache, switches user"
    )
    func flow() {
        var state = Self.open(.english)
        #expect(state.screen == .settings)
        #expect(state.settingsItems.count == 6, "language, three permissions, cache, switch user")
        _ = ShellScreenTests.press(&state, .enter)
        #expect(state.language == .chinese)
        #expect(
            ShellScreenTests.press(&state, .down, .enter) == [
                .setPermission(app: "com.carins.quote", scope: "payment", granted: false)
            ])
        #expect(
            ShellScreenTests.press(&state, .down, .enter) == [
                .setPermission(app: "com.carins.quote", scope: "location", granted: true)
            ])
        #expect(
            ShellScreenTests.press(&state, .down, .enter) == [
                .setPermission(app: "com.eastsec.open-account", scope: "phoneNumber", granted: true)
            ])
        #expect(ShellScreenTests.press(&state, .down, .enter) == [.clearCache])
        #expect(state.toast == Strings.text(.cacheCleared, .chinese), "clearing says so")
        _ = ShellScreenTests.press(&state, .escape)
        #expect(ShellScreenTests.press(&state, .down, .enter) == [.signedOut])
        #expect(state.screen == .login)
    }

    @Test("opening settings asks for fresh data: a mini-program may have just been granted a permission")
    func refresh() {
        var state = ServicesScreenTests.signedIn(.english)
        #expect(ShellScreenTests.press(&state, .right, .enter) == [.refreshSettings])
        #expect(state.screen == .settings)
    }

    @Test("a permission revoked elsewhere leaves the list and the selection stays inside")
    func shrinking() {
        var state = Self.open(.english)
        _ = ShellScreenTests.press(&state, .up)
        #expect(state.settingsSelection == 5)
        var fewer = Self.settings
        fewer.permissions = []
        _ = ShellReducer.reduce(&state, .settings(fewer))
        #expect(state.settingsSelection == 2)
        #expect(ShellScreenTests.press(&state, .escape).isEmpty && state.screen == .home)
    }

    @Test("settings as text", arguments: [(80, 24), (120, 40)], [UILanguage.english, .chinese])
    func snapshot(size: (Int, Int), language: UILanguage) {
        assertSnapshot(
            ShellView.render(Self.open(language, size.0, size.1)).text,
            named: "settings-\(language.rawValue)-\(size.0)x\(size.1)")
    }
}
