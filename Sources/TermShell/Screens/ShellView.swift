import MiniKit
import TerminalCells

/// Draws the whole screen for a state: the current screen, the key hints, the keys overlay, or the
/// too-small message.
public enum ShellView {
    public static func render(_ state: ShellState) -> CellBuffer {
        var canvas = Canvas(width: state.width, height: state.height)
        guard !state.isTooSmall else {
            tooSmall(state, &canvas)
            return canvas.buffer
        }
        switch state.screen {
        case .login: LoginScreen.draw(state, &canvas)
        case .home: HomeScreen.draw(state, &canvas)
        case .services: ServicesScreen.draw(state, &canvas)
        case .settings: SettingsScreen.draw(state, &canvas)
        case .container: ContainerScreen.draw(state, &canvas)
        }
        if let toast = state.toast { self.toast(toast, &canvas) }
        if state.showingHelp { help(state, &canvas) }
        if state.showingDiagnostics { DiagnosticsPanel.draw(state, &canvas) }
        if let notice = state.notices.first { self.notice(notice, state, &canvas) }
        return canvas.buffer
    }

    private static func tooSmall(_ state: ShellState, _ canvas: inout Canvas) {
        guard canvas.height > 0 else { return }
        let middle = canvas.height / 2
        canvas.centred(Strings.text(.tooSmall, state.language), y: max(0, middle - 1), role: .warning)
        canvas.centred(
            "\(state.width)×\(state.height) < \(ShellState.minimumSize.width)×\(ShellState.minimumSize.height)",
            y: min(canvas.height - 1, middle), role: .muted)
    }

    private static func notice(_ notice: ShellState.Notice, _ state: ShellState, _ canvas: inout Canvas) {
        let width = min(canvas.width - 4, 60)
        let (title, message) = Strings.takenDown(notice.service(state.language), reason: notice.reason, state.language)
        let lines = CharacterWidth.wrap(message, width: width - 4)
        let height = lines.count + 4
        let (x, y) = canvas.centredBox(width: width, height: height, title: title, role: .warning)
        for (index, text) in lines.enumerated() { canvas.text(text, x: x + 2, y: y + 1 + index, limit: width - 4) }
        canvas.text(Strings.text(.dismiss, state.language), x: x + 2, y: y + height - 2, limit: width - 4, role: .muted)
    }

    private static func toast(_ message: String, _ canvas: inout Canvas) {
        // Long messages (a refused launch, "about this service") wrap, up to half the screen.
        let width = min(canvas.width - 4, 64, CharacterWidth.of(message) + 4)
        let lines = CharacterWidth.wrap(message, width: width - 4).prefix(max(1, canvas.height / 2 - 2))
        let height = lines.count + 2
        let x = (canvas.width - width) / 2
        let y = max(1, canvas.height - 1 - height)
        canvas.clearedBox(x: x, y: y, width: width, height: height, role: .accent)
        for (index, line) in lines.enumerated() { canvas.text(line, x: x + 2, y: y + 1 + index, limit: width - 4) }
    }

    /// The right side of the title bar: whether the shell is connected and until when the service list it
    /// holds is valid ("online · valid until 10:45"). The list's version is for the QA panel.
    static func syncNote(_ state: ShellState) -> String {
        let language = state.language
        switch state.sync {
        case .offline: return ""
        case .syncing: return Strings.text(.syncing, language)
        case .current(_, let expires):
            return "\(Strings.text(.current, language)) · \(Strings.text(.validUntil, language)) \(expires)"
        case .disconnected(_, let expires?):
            return "\(Strings.text(.disconnected, language)) · \(Strings.text(.validUntil, language)) \(expires)"
        case .disconnected: return Strings.text(.disconnected, language)
        case .expired: return Strings.text(.expired, language)
        }
    }

    private static func help(_ state: ShellState, _ canvas: inout Canvas) {
        let lines = Strings.text(.helpLines, state.language).split(separator: "\n").map {
            (String($0), CellRole.normal)
        }
        canvas.linesBox(lines, width: min(canvas.width - 4, 40), title: Strings.text(.helpTitle, state.language))
    }
}

enum LoginScreen {
    static func draw(_ state: ShellState, _ canvas: inout Canvas) {
        let language = state.language
        canvas.bar(state.appTitle, right: Strings.text(.signIn, language), y: 0, role: .title)
        canvas.centred(Strings.text(.chooseUser, language), y: 2, role: .muted)
        let width = min(canvas.width - 4, 64)
        let x = (canvas.width - width) / 2
        var y = 4
        for (index, user) in state.bank.users.enumerated() where y < canvas.height - 3 {
            let focused = state.loginSelection == index && state.typedUser == nil
            canvas.row(
                language == .chinese ? user.nameZh : user.name, "\(user.id) · \(Strings.tier(user.tier, language))",
                x: x,
                y: y, width: width,
                focused: focused)
            y += 1
        }
        y += 1
        let typingRow = state.loginSelection == state.bank.users.count
        if let typed = state.typedUser {
            canvas.text(Strings.text(.typeUserPrompt, language), x: x + 1, y: y, role: .heading)
            let prompt = CharacterWidth.of(Strings.text(.typeUserPrompt, language))
            canvas.text(typed + "▏", x: x + 1 + prompt, y: y, limit: width - prompt - 1, role: .input)
        } else {
            canvas.buffer.fill(" ", x: x, y: y, count: width, focused: typingRow)
            canvas.text(
                " " + Strings.text(.typeUser, language), x: x, y: y, limit: width, role: .link, focused: typingRow)
        }
        canvas.bar(
            Strings.text(state.typedUser == nil ? .hintsLogin : .hintsTyping, language), y: canvas.height - 1,
            role: .muted)
    }
}

enum HomeScreen {
    static func draw(_ state: ShellState, _ canvas: inout Canvas) {
        let language = state.language
        guard let user = state.user else { return }
        var name = language == .chinese ? user.nameZh : user.name
        // Where the connection stands shows here too, not only in the service centre.
        let note = ShellView.syncNote(state)
        if !note.isEmpty { name = note + " · " + name }
        canvas.bar(
            state.appTitle + " · " + Strings.text(.home, language), right: name, y: 0, role: .title)
        let width = canvas.width - 2
        var y = 2
        let accountRows = max(1, user.accounts.count)
        canvas.box(x: 1, y: y, width: width, height: accountRows + 2, title: Strings.text(.accounts, language))
        if user.accounts.isEmpty {
            canvas.text(Strings.text(.noAccounts, language), x: 3, y: y + 1, limit: width - 4, role: .muted)
        }
        for (index, account) in user.accounts.enumerated() {
            let row = y + 1 + index
            canvas.text(language == .chinese ? account.nameZh : account.name, x: 3, y: row, limit: width / 3)
            canvas.text(account.number, x: 3 + width / 3, y: row, limit: width / 3, role: .muted)
            let balance = state.balance(account)
            canvas.rightAligned(
                DemoBank.money(balance), right: width - 1, y: row, role: balance < 0 ? .danger : .success)
        }
        y += accountRows + 3
        let room = canvas.height - y - 4
        let shown = state.transactions.prefix(max(0, room - 2))
        if room >= 3 {
            canvas.box(
                x: 1, y: y, width: width, height: max(1, shown.count) + 2, title: Strings.text(.recent, language))
            if shown.isEmpty {
                canvas.text(Strings.text(.noTransactions, language), x: 3, y: y + 1, role: .muted)
            }
            for (index, transaction) in shown.enumerated() {
                let row = y + 1 + index
                canvas.text(transaction.date, x: 3, y: row, role: .muted)
                canvas.text(
                    language == .chinese ? transaction.textZh : transaction.text, x: 15, y: row, limit: width - 32)
                canvas.rightAligned(
                    DemoBank.money(transaction.amount), right: width - 1, y: row,
                    role: transaction.amount < 0 ? .normal : .success)
            }
        }
        // The shortcuts to the customer's services, above the actions, when there is room.
        let shortcuts = state.shortcuts
        let actionCount = ShellReducer.HomeAction.allCases.count
        if !shortcuts.isEmpty, canvas.height - 5 > y + 1 {
            let shortcutY = canvas.height - 5
            canvas.text(Strings.text(.shortcutsTitle, language), x: 2, y: shortcutY - 1, role: .heading)
            var column = 2
            for (index, app) in shortcuts.enumerated() {
                let label = "[ \(state.serviceName(app)) ]"
                guard column + CharacterWidth.of(label) <= canvas.width - 2 else { break }
                canvas.text(
                    label, x: column, y: shortcutY, role: .link, focused: state.homeFocus == actionCount + index)
                column += CharacterWidth.of(label) + 2
            }
        }
        // The actions row, above the hints.
        var x = 2
        let actionY = canvas.height - 3
        for (index, action) in ShellReducer.HomeAction.allCases.enumerated() {
            let label: String
            switch action {
            case .services: label = state.servicesTitle(short: true)
            case .settings: label = Strings.text(.settings, language)
            case .signOut: label = Strings.text(.signOut, language)
            case .quit: label = Strings.text(.quit, language)
            }
            let focused = state.homeFocus == index
            canvas.text("[ \(label) ]", x: x, y: actionY, role: .button, focused: focused)
            x += CharacterWidth.of(label) + 6
        }
        canvas.bar(Strings.text(.hintsHome, language), y: canvas.height - 1, role: .muted)
    }
}

/// The QA panel: where the shell's sync stands, what is installed, what the agent did.
enum DiagnosticsPanel {
    static func draw(_ state: ShellState, _ canvas: inout Canvas) {
        let language = state.language
        canvas.clear(x: 0, y: 0, width: canvas.width, height: canvas.height)
        canvas.bar(state.appTitle + " · " + Strings.text(.qaTitle, language), y: 0, role: .title)
        guard let info = state.diagnostics else {
            canvas.centred(Strings.text(.qaNone, language), y: canvas.height / 2, role: .muted)
            canvas.bar(Strings.text(.qaHints, language), y: canvas.height - 1, role: .muted)
            return
        }
        var y = 2
        func line(_ label: String, _ value: String) {
            guard y < canvas.height - 2 else { return }
            canvas.text(label, x: 2, y: y, role: .muted)
            canvas.text(value, x: 22, y: y, limit: canvas.width - 24)
            y += 1
        }
        line(
            Strings.text(.qaServer, language),
            "\(info.server) · \(Strings.text(.qaHost, language)) \(info.host) · \(Strings.text(.qaDevice, language)) \(info.deviceId ?? "-")"
        )
        let catalog = info.catalogVersion.map {
            "v\($0) · \(Strings.text(.qaEvent, language)) \(info.eventSequence ?? 0) · \(Strings.text(.qaIssued, language)) \(info.issuedAt ?? "-")"
        }
        line(Strings.text(.qaCatalog, language), catalog ?? "-")
        line(Strings.text(.qaLaunchable, language), info.launchableUntil ?? "-")
        y += 1
        if y < canvas.height - 2 {
            canvas.text(Strings.text(.qaInstalled, language) + " (\(info.installed.count))", x: 2, y: y, role: .heading)
            y += 1
        }
        // Columns: id, version, hash.
        let idWidth = info.installed.map { CharacterWidth.of($0.app) }.max() ?? 0
        let versionWidth = info.installed.map { CharacterWidth.of($0.version) }.max() ?? 0
        for package in info.installed where y < canvas.height - 2 {
            canvas.text(package.app, x: 4, y: y, limit: canvas.width - 6)
            canvas.text(package.version, x: 4 + idWidth + 2, y: y, limit: max(0, canvas.width - 8 - idWidth))
            canvas.text(
                package.sha, x: 4 + idWidth + versionWidth + 4, y: y,
                limit: max(0, canvas.width - 10 - idWidth - versionWidth))
            y += 1
        }
        y += 1
        if !info.listed.isEmpty, y < canvas.height - 2 {
            canvas.text(Strings.text(.qaListed, language) + " (\(info.listed.count))", x: 2, y: y, role: .heading)
            y += 1
        }
        let listedWidth = info.listed.map { CharacterWidth.of($0.app) + CharacterWidth.of($0.version) }.max() ?? 0
        for service in info.listed where y < canvas.height - 2 {
            canvas.text("\(service.app) \(service.version)", x: 4, y: y, limit: canvas.width - 6)
            let why =
                service.gray.map {
                    $0.isEmpty ? Strings.text(.qaGray, language) : Strings.text(.qaGray, language) + ": " + $0
                }
                ?? Strings.text(.qaStable, language)
            let column = 4 + listedWidth + 3
            canvas.text(
                why, x: column, y: y, limit: max(0, canvas.width - column - 2),
                role: service.gray == nil ? .muted : .accent)
            y += 1
        }
        y += 1
        if y < canvas.height - 2 {
            canvas.text(Strings.text(.qaLog, language), x: 2, y: y, role: .heading)
            y += 1
        }
        for entry in info.log where y < canvas.height - 2 {
            canvas.text(entry.at, x: 4, y: y, role: .muted)
            canvas.text(entry.kind, x: 14, y: y, limit: 20, role: entry.kind == "refused" ? .danger : .accent)
            canvas.text(entry.detail, x: 35, y: y, limit: canvas.width - 37)
            y += 1
        }
        canvas.bar(Strings.text(.qaHints, language), y: canvas.height - 1, role: .muted)
    }
}

enum SettingsScreen {
    static func draw(_ state: ShellState, _ canvas: inout Canvas) {
        let language = state.language
        canvas.bar(state.appTitle + " · " + Strings.text(.settings, language), y: 0, role: .title)
        let items = state.settingsItems
        let width = canvas.width - 4
        var y = 2
        func item(_ index: Int, _ text: String, note: String = "") {
            guard y < canvas.height - 2 else { return }
            canvas.row(text, note, x: 2, y: y, width: width, focused: index == state.settingsSelection)
            y += 1
        }
        item(0, Strings.text(.settingsLanguage, language))
        y += 1
        canvas.text(Strings.text(.settingsPermissions, language), x: 2, y: y, role: .heading)
        y += 1
        if state.settings.permissions.isEmpty {
            canvas.text(Strings.text(.settingsNoPermissions, language), x: 4, y: y, role: .muted)
            y += 1
        }
        for permission in state.settings.permissions where y < canvas.height - 2 {
            guard let index = items.firstIndex(of: .permission(permission)) else { continue }
            let note =
                switch permission.granted {
                case true?: Strings.text(.granted, language) + " · " + Strings.text(.enterDenies, language)
                case false?: Strings.text(.denied, language) + " · " + Strings.text(.enterAllows, language)
                case nil: Strings.text(.notAsked, language) + " · " + Strings.text(.enterAllows, language)
                }
            item(
                index, "\(state.serviceName(permission.app)) · \(Strings.scope(permission.scope, language))",
                note: note)
        }
        y += 1
        if y < canvas.height - 3 {
            canvas.text(Strings.text(.settingsPayments, language), x: 2, y: y, role: .heading)
            canvas.text(
                Strings.text(state.settings.paymentsLocked ? .paymentsLockedNote : .paymentsActive, language),
                x: 4 + CharacterWidth.of(Strings.text(.settingsPayments, language)), y: y, limit: width - 20,
                role: state.settings.paymentsLocked ? .danger : .muted)
            y += 2
        }
        if y < canvas.height - 3 {
            canvas.text(Strings.text(.settingsStorage, language), x: 2, y: y, role: .heading)
            y += 1
        }
        if state.settings.storage.isEmpty, y < canvas.height - 3 {
            canvas.text(Strings.text(.settingsNoStorage, language), x: 4, y: y, role: .muted)
            y += 1
        }
        for use in state.settings.storage where y < canvas.height - 3 {
            canvas.text(state.serviceName(use.app), x: 4, y: y, limit: width / 2)
            canvas.rightAligned(
                Strings.stored(keys: use.keys, bytes: use.bytes, language), right: 2 + width, y: y, role: .muted)
            y += 1
        }
        y += 1
        let count = items.count
        item(
            count - 2, Strings.text(.settingsClearCache, language),
            note: Strings.packages(state.settings.packages, bytes: state.settings.packageBytes, language))
        item(count - 1, Strings.text(.settingsSwitchUser, language))
        canvas.bar(Strings.text(.hintsSettings, language), y: canvas.height - 1, role: .muted)
    }
}

/// A running mini-program: the host's navigation bar (back, title, capsule), MiniKit's page, the host's dialogs.
enum ContainerScreen {
    static func draw(_ state: ShellState, _ canvas: inout Canvas) {
        guard let container = state.container else { return }
        let language = state.language
        // A page without its own title shows the service's name, in the screens' language.
        let title = container.about.map { container.title == $0.name.english ? $0.name(language) : container.title }
        canvas.bar(
            (container.canGoBack ? "‹ " : "  ") + (title ?? container.title), right: "··· ✕", y: 0, role: .title)
        canvas.buffer.blit(container.page, x: 1, y: 1)
        canvas.bar(Strings.text(.hintsContainer, language), y: canvas.height - 1, role: .muted)
        if let row = container.menu {
            let labels: [String] = ShellState.Container.MenuItem.allCases.map { item in
                switch item {
                case .about: Strings.text(.menuAbout, language)
                case .favourite: Strings.text(container.favourite ? .menuUnfavourite : .menuFavourite, language)
                case .complaint: Strings.text(.menuComplaint, language)
                case .permissions: Strings.text(.menuPermissions, language)
                case .reload: Strings.text(.menuReload, language)
                case .close: Strings.text(.menuClose, language)
                }
            }
            let width = min(canvas.width - 2, 30)
            let x = canvas.width - width - 1
            canvas.clearedBox(x: x, y: 1, width: width, height: labels.count + 2, role: .accent)
            for (index, label) in labels.enumerated() {
                canvas.buffer.fill(" ", x: x + 1, y: 2 + index, count: width - 2, focused: index == row)
                canvas.text(" " + label, x: x + 1, y: 2 + index, limit: width - 2, focused: index == row)
            }
        }
        if container.showingAbout, let about = container.about { AboutPage.draw(about, language, &canvas) }
        if let form = container.complaint { AboutPage.drawComplaint(form, about: container.about, language, &canvas) }
        guard let dialog = container.dialog else { return }
        DialogBox.draw(dialog, language, &canvas)
    }
}
