import TerminalCells

/// The service centre: the customer's services grouped by category, each with its description and badges
/// (new, beta, downloading); `/` searches. The list scrolls to keep the highlighted service on screen.
enum ServicesScreen {
    /// One line of the list.
    private enum Line {
        case category(String)
        case service(Int)
        case summary(Int)
    }

    static func draw(_ state: ShellState, _ canvas: inout Canvas) {
        let language = state.language
        canvas.bar(
            state.appTitle + " · " + state.servicesTitle(short: false),
            right: ShellView.syncNote(state), y: 0, role: .title)
        if state.sync == .expired {
            canvas.bar(Strings.text(.expiredBanner, language), y: 1, role: .warning)
        }
        var y = 2
        if state.searching || !state.search.isEmpty {
            canvas.text(Strings.text(.searchPrompt, language), x: 2, y: y, role: .heading)
            let prompt = CharacterWidth.of(Strings.text(.searchPrompt, language))
            canvas.text(state.search + (state.searching ? "▏" : ""), x: 2 + prompt, y: y, role: .input)
            y += 2
        }
        let visible = state.visibleServices
        if visible.isEmpty {
            canvas.centred(Strings.text(emptyKey(state), language), y: y + 2, role: .muted)
        }
        var lines: [Line] = []
        var category = ""
        for (index, service) in visible.enumerated() {
            if service.category != category {
                category = service.category
                lines.append(.category(category))
            }
            lines.append(.service(index))
            if !service.summary(language).isEmpty { lines.append(.summary(index)) }
        }
        // Scrolled so that the highlighted service and its description show.
        let room = max(1, canvas.height - 2 - y)
        let last =
            lines.lastIndex {
                if case .summary(state.serviceSelection) = $0 {
                    true
                } else if case .service(state.serviceSelection) = $0 {
                    true
                } else {
                    false
                }
            } ?? 0
        let first = max(0, last - room + 1)
        let width = canvas.width - 4
        for line in lines.dropFirst(first).prefix(room) {
            switch line {
            case .category(let name):
                canvas.text(Strings.category(name, language), x: 2, y: y, role: .heading)
            case .service(let index):
                let service = visible[index]
                canvas.row(
                    service.name(language), badges(service, language), x: 2, y: y, width: width,
                    focused: index == state.serviceSelection && !state.searching)
            case .summary(let index):
                canvas.text(visible[index].summary(language), x: 5, y: y, limit: width - 4, role: .muted)
            }
            y += 1
        }
        canvas.bar(
            Strings.text(state.searching ? .hintsSearch : .hintsServices, language), y: canvas.height - 1, role: .muted)
    }

    /// What the list says when it shows nothing.
    private static func emptyKey(_ state: ShellState) -> Strings.Key {
        guard state.search.isEmpty else { return .noMatches }
        switch state.sync {
        case .offline: return .offline
        case .syncing: return .syncing
        // Never reached the server: nothing is known about this user's services yet.
        case .disconnected(_, nil): return .unreachable
        default: return .noServices
        }
    }

    /// The badges on a service's row: new, beta (a gray release), downloading. No version: that is for QA.
    static func badges(_ service: ShellState.Service, _ language: UILanguage) -> String {
        var badges: [String] = []
        if service.isNew { badges.append(Strings.text(.badgeNew, language)) }
        if service.gray { badges.append(Strings.text(.badgeGray, language)) }
        if !service.installed { badges.append(Strings.text(.downloading, language)) }
        return badges.joined(separator: " · ")
    }
}
