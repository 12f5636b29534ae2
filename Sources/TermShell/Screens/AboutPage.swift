import TerminalCells

/// The capsule's About page and complaint form, drawn over the running mini-program.
enum AboutPage {
    /// Who provides the service, what it is, and what it may do — in words, not scope identifiers.
    static func draw(_ about: ShellState.Container.About, _ language: UILanguage, _ canvas: inout Canvas) {
        let width = min(canvas.width - 4, 64)
        var lines: [(String, CellRole)] = [(about.name(language), .heading)]
        for line in CharacterWidth.wrap(about.summary(language), width: width - 4) where !line.isEmpty {
            lines.append((line, .normal))
        }
        lines.append(("", .normal))
        func field(_ key: Strings.Key, _ value: String) {
            let label = Strings.text(key, language) + ": "
            for (index, line) in CharacterWidth.wrap(value, width: width - 4 - CharacterWidth.of(label)).enumerated() {
                lines.append(
                    ((index == 0 ? label : String(repeating: " ", count: CharacterWidth.of(label))) + line, .normal))
            }
        }
        if let partner = about.partner { field(.aboutPartner, partner) }
        field(.aboutCategory, Strings.category(about.category, language))
        field(.aboutVersion, about.version)
        let scopes = about.scopes.map { Strings.scope($0, language) }
        field(
            .aboutMay,
            scopes.isEmpty
                ? Strings.text(.aboutNothing, language) : scopes.joined(separator: language == .chinese ? "、" : ", "))
        field(
            .aboutDomains,
            about.domains.isEmpty ? Strings.text(.aboutNothing, language) : about.domains.joined(separator: ", "))
        lines.append(("", .normal))
        let shown =
            Array(lines.prefix(max(1, canvas.height - 5))) + [(Strings.text(.aboutHints, language), CellRole.muted)]
        canvas.linesBox(shown, width: width, title: Strings.text(.aboutTitle, language))
    }

    /// The complaint form: the service, the reasons (one chosen), the details being typed.
    static func drawComplaint(
        _ form: ComplaintForm, about: ShellState.Container.About?, _ language: UILanguage, _ canvas: inout Canvas
    ) {
        let width = min(canvas.width - 4, 64)
        var lines: [(String, CellRole)] = []
        if let about {
            lines.append((about.name(language) + (about.partner.map { " (\($0))" } ?? ""), .heading))
        }
        lines.append((Strings.text(.complaintReason, language), .muted))
        for (index, reason) in ComplaintForm.Reason.allCases.enumerated() {
            let chosen = index == form.reason
            lines.append(
                ((chosen ? "◉ " : "○ ") + Strings.complaintReason(reason, language), chosen ? .input : .normal))
        }
        lines.append(("", .normal))
        // The end of what is typed shows when it is longer than the line.
        let label = Strings.text(.complaintDetails, language)
        let room = width - 5 - CharacterWidth.of(label)
        let typed = CharacterWidth.suffix(of: form.text, fitting: room)
        lines.append((label + typed + "▏", .input))
        let keys = [(Strings.text(.complaintHints, language), CellRole.muted)]
        let shown = Array(lines.prefix(max(1, canvas.height - 4 - keys.count))) + keys
        canvas.linesBox(shown, width: width, title: Strings.text(.complaintTitle, language))
    }
}
