import MiniKit

/// The only place the state changes: (state, action) → new state and effects for the loop.
public enum ShellReducer {
    /// Home's actions, left to right.
    public enum HomeAction: CaseIterable, Sendable {
        case services, settings, signOut, quit
    }

    public static let maximumSearch = 32

    public static let maximumTypedUser = 64

    public static func reduce(_ state: inout ShellState, _ action: ShellAction) -> [ShellEffect] {
        switch action {
        case .resized(let width, let height):
            state.width = max(0, width)
            state.height = max(0, height)
            return state.container == nil ? [] : [.resized(width: state.width, height: state.height)]
        case .catalog(let services, let status):
            // The highlight stays on the same service when the list changes around it (Enter must not open
            // another one); when that service is gone, it stays at the same row.
            let selected =
                state.visibleServices.indices.contains(state.serviceSelection)
                ? state.visibleServices[state.serviceSelection].id : nil
            // Grouped by category for the service centre.
            state.services = services.sorted {
                ($0.category, $0.name.english, $0.id) < ($1.category, $1.name.english, $1.id)
            }
            state.sync = status
            if let selected, let row = state.visibleServices.firstIndex(where: { $0.id == selected }) {
                state.serviceSelection = row
            }
            state.serviceSelection = min(state.serviceSelection, max(0, state.visibleServices.count - 1))
            keepHomeFocusInside(&state)
            return []
        case .notice(let notice):
            state.notices.append(notice)
            return []
        case .diagnostics(let diagnostics):
            state.diagnostics = diagnostics
            return []
        case .container(var container):
            // The host redraws the page; the menu, the About page and the complaint form are the screens' own.
            if let previous = state.container, previous.appId == container.appId {
                container.menu = previous.menu
                container.showingAbout = previous.showingAbout
                container.complaint = previous.complaint
            } else {
                container.menu = nil
            }
            container.favourite = state.favourites.contains(container.appId)
            state.container = container
            if state.screen != .settings { state.screen = .container }
            return []
        case .containerClosed:
            state.container = nil
            if state.screen == .container { state.screen = state.containerReturn }
            return []
        case .brand(let brand):
            state.brand = brand
            return []
        case .shortcuts(let favourites, let recents):
            state.favourites = favourites
            state.recents = recents
            if let app = state.container?.appId { state.container?.favourite = favourites.contains(app) }
            keepHomeFocusInside(&state)
            return []
        case .toast(let message):
            state.toast = message
            return []
        case .notify(let key):
            state.toast = Strings.text(key, state.language)
            return []
        case .refused(let refusal):
            state.toast = Strings.refused(refusal, state.language)
            return []
        case .payments(let payments):
            state.payments = state.user == nil ? [] : payments
            return []
        case .dialog(let appId, let dialog):
            guard state.container?.appId == appId else { return [.answer(.decided(false))] }
            state.container?.dialog = dialog
            return []
        case .settings(let settings):
            state.settings = settings
            state.settingsSelection = min(state.settingsSelection, state.settingsItems.count - 1)
            return []
        case .key(let key):
            if key == .hangUp { return [.quit] }
            if key == .function(2) || key == .control("d") {
                state.showingDiagnostics.toggle()
                return []
            }
            if state.showingDiagnostics {
                if key == .escape || key == .character("q") { state.showingDiagnostics = false }
                return []
            }
            if !state.notices.isEmpty {
                // A notice is read first: any key dismisses it.
                state.notices.removeFirst()
                return []
            }
            if state.toast != nil {
                state.toast = nil
                return []
            }
            if state.showingHelp {
                // Any key closes the keys overlay.
                state.showingHelp = false
                return []
            }
            if key == .character("?") && state.typedUser == nil && !state.searching && state.screen != .container {
                state.showingHelp = true
                return []
            }
            switch state.screen {
            case .login: return login(&state, key)
            case .home: return home(&state, key)
            case .services: return services(&state, key)
            case .settings: return settings(&state, key)
            case .container: return container(&state, key)
            }
        }
    }

    private static func login(_ state: inout ShellState, _ key: Key) -> [ShellEffect] {
        if var typed = state.typedUser {
            switch key {
            case .escape:
                state.typedUser = nil
            case .backspace:
                if !typed.isEmpty { typed.removeLast() }
                state.typedUser = typed
            case .enter:
                guard !typed.isEmpty else { return [] }
                return signIn(&state, state.bank.users.first { $0.id == typed } ?? .typed(typed))
            case .character(let character)
            where typed.count < maximumTypedUser
                && (character.isLetter || character.isNumber || "-_.@".contains(character))
                && character.isASCII:
                typed.append(character)
                state.typedUser = typed
            default:
                break
            }
            return []
        }
        let rows = state.bank.users.count + 1
        switch key {
        case .up, .backTab: state.loginSelection = (state.loginSelection + rows - 1) % rows
        case .down, .tab: state.loginSelection = (state.loginSelection + 1) % rows
        case .enter:
            if state.loginSelection < state.bank.users.count {
                return signIn(&state, state.bank.users[state.loginSelection])
            }
            state.typedUser = ""
        case .character("q"), .control("c"): return [.quit]
        default: break
        }
        return []
    }

    private static func services(_ state: inout ShellState, _ key: Key) -> [ShellEffect] {
        if state.searching {
            switch key {
            case .escape:
                state.search = ""
                state.searching = false
            case .backspace:
                if !state.search.isEmpty { state.search.removeLast() }
            case .enter, .down, .up, .tab:
                state.searching = false
            case .character(let character) where state.search.count < maximumSearch && !character.isNewline:
                state.search.append(character)
            default:
                break
            }
            state.serviceSelection = min(state.serviceSelection, max(0, state.visibleServices.count - 1))
            return []
        }
        let count = state.visibleServices.count
        switch key {
        case .up, .backTab:
            if count > 0 { state.serviceSelection = (state.serviceSelection + count - 1) % count }
        case .down, .tab:
            if count > 0 { state.serviceSelection = (state.serviceSelection + 1) % count }
        case .character("/"):
            state.searching = true
            state.serviceSelection = 0
        case .enter:
            let visible = state.visibleServices
            if visible.indices.contains(state.serviceSelection) {
                state.containerReturn = .services
                return [.open(appId: visible[state.serviceSelection].id)]
            }
        case .escape:
            if state.search.isEmpty {
                state.screen = .home
            } else {
                state.search = ""
            }
        case .character("q"), .control("c"):
            return [.quit]
        default:
            break
        }
        return []
    }

    /// Keys in a running mini-program: the dialog's first, then the page's; ctrl-w closes.
    private static func container(_ state: inout ShellState, _ key: Key) -> [ShellEffect] {
        guard var container = state.container else {
            state.screen = .services
            return []
        }
        if key == .control("w") { return [.close] }
        if container.showingAbout {
            // The About page is read, then any key goes back to the mini-program.
            state.container?.showingAbout = false
            return []
        }
        if var form = container.complaint {
            switch form.press(key) {
            case .send(let reason, let text)?:
                state.container?.complaint = nil
                return [.complain(appId: container.appId, reason: reason, text: text)]
            case .cancel?:
                state.container?.complaint = nil
            case nil:
                state.container?.complaint = form
            }
            return []
        }
        if let row = container.menu {
            let items = ShellState.Container.MenuItem.allCases
            switch key {
            case .up, .backTab: container.menu = (row + items.count - 1) % items.count
            case .down, .tab: container.menu = (row + 1) % items.count
            case .escape, .function(3):
                container.menu = nil
            case .enter:
                container.menu = nil
                state.container = container
                switch items[row] {
                case .about:
                    state.container?.showingAbout = true
                case .favourite:
                    state.toast = Strings.text(container.favourite ? .unfavourited : .favourited, state.language)
                    return [.setFavourite(appId: container.appId, !container.favourite)]
                case .complaint:
                    state.container?.complaint = ComplaintForm()
                case .permissions:
                    state.screen = .settings
                    state.settingsSelection = 0
                    return [.refreshSettings]
                case .reload:
                    return [.reload]
                case .close:
                    return [.close]
                }
                return []
            default:
                break
            }
            state.container = container
            return []
        }
        if key == .function(3) && container.dialog == nil {
            container.menu = 0
            state.container = container
            return []
        }
        if let dialog = container.dialog {
            var answer: DialogAnswer?
            switch dialog {
            case .payment(var payment):
                if key == .escape {
                    answer = .decided(false)
                } else if let (pin, account) = payment.press(key) {
                    answer = .pay(pin: pin, account: account)
                } else {
                    container.dialog = .payment(payment)
                }
            case .consent(var consent):
                if let allowed = consent.press(key) {
                    answer = .decided(allowed)
                } else {
                    container.dialog = .consent(consent)
                }
            case .modal(_, _, _, let cancel):
                // A modal without a cancel button must be confirmed.
                if key == .enter {
                    answer = .decided(true)
                } else if key == .escape && cancel != nil {
                    answer = .decided(false)
                }
            }
            if answer != nil { container.dialog = nil }
            state.container = container
            return answer.map { [.answer($0)] } ?? []
        }
        let input: ContainerInput?
        switch key {
        case .tab, .down: input = .focusNext
        case .backTab, .up: input = .focusPrevious
        case .enter: input = .activate
        case .left: input = .left
        case .right: input = .right
        case .backspace: input = .backspace
        case .escape: input = .back
        case .character(let character): input = .character(character)
        default: input = nil
        }
        return input.map { [.input($0)] } ?? []
    }

    private static func signOut(_ state: inout ShellState) -> [ShellEffect] {
        state.user = nil
        state.payments = []
        state.favourites = []
        state.recents = []
        state.services = []
        state.notices = []
        state.sync = .offline
        state.diagnostics = nil
        state.settings = .empty
        state.screen = .login
        let closing: [ShellEffect] = state.container == nil ? [] : [.close]
        state.container = nil
        return closing + [.signedOut]
    }

    private static func settings(_ state: inout ShellState, _ key: Key) -> [ShellEffect] {
        let items = state.settingsItems
        switch key {
        case .up, .backTab: state.settingsSelection = (state.settingsSelection + items.count - 1) % items.count
        case .down, .tab: state.settingsSelection = (state.settingsSelection + 1) % items.count
        case .escape: state.screen = state.container == nil ? .home : .container
        case .character("q"), .control("c"): return [.quit]
        case .enter:
            switch items[min(state.settingsSelection, items.count - 1)] {
            case .language: state.language = state.language == .english ? .chinese : .english
            case .permission(let permission):
                return [
                    .setPermission(app: permission.app, scope: permission.scope, granted: permission.granted != true)
                ]
            case .clearCache:
                state.toast = Strings.text(.cacheCleared, state.language)
                return [.clearCache]
            case .switchUser: return signOut(&state)
            }
        default: break
        }
        return []
    }

    private static func signIn(_ state: inout ShellState, _ user: DemoBank.User) -> [ShellEffect] {
        state.user = user
        state.typedUser = nil
        state.screen = .home
        state.homeFocus = 0
        return [.signedIn(user)]
    }

    /// Home's items (the actions, then the shortcuts) change with the list and the favourites: the highlight stays
    /// on one of them.
    private static func keepHomeFocusInside(_ state: inout ShellState) {
        state.homeFocus = min(state.homeFocus, HomeAction.allCases.count + state.shortcuts.count - 1)
    }

    private static func home(_ state: inout ShellState, _ key: Key) -> [ShellEffect] {
        let actions = HomeAction.allCases
        let shortcuts = state.shortcuts
        let count = actions.count + shortcuts.count
        switch key {
        case .left, .backTab, .up: state.homeFocus = (state.homeFocus + count - 1) % count
        case .right, .tab, .down: state.homeFocus = (state.homeFocus + 1) % count
        case .enter:
            guard state.homeFocus < actions.count else {
                state.containerReturn = .home
                return [.open(appId: shortcuts[min(state.homeFocus - actions.count, shortcuts.count - 1)])]
            }
            switch actions[state.homeFocus] {
            case .services:
                state.screen = .services
                state.serviceSelection = 0
                state.search = ""
                state.searching = false
            case .settings:
                state.screen = .settings
                state.settingsSelection = 0
                return [.refreshSettings]
            case .signOut:
                return signOut(&state)
            case .quit: return [.quit]
            }
        case .character("q"), .control("c"): return [.quit]
        default: break
        }
        return []
    }
}
