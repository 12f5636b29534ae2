import TerminalCells

/// The host's dialogs over a running mini-program: consent (Deny and Allow buttons), payment (account, PIN and
/// why the last try failed), and the mini-program's own modal.
enum DialogBox {
    /// One line of a dialog: text in a role, or the button row.
    private enum Line {
        case text(String, CellRole)
        case buttons([(label: String, focused: Bool)])
        case gap
    }

    static func draw(_ dialog: ShellState.Dialog, _ language: UILanguage, _ canvas: inout Canvas) {
        let width = min(canvas.width - 4, 60)
        let (title, body, keys) = lines(dialog, language, width: width - 4)
        // Every line wraps (the question must be read whole); on a short screen the text gives way, not the
        // keys below it.
        let text = Array(body.prefix(max(1, canvas.height - 4 - keys.count)))
        let shown = text + keys
        let height = shown.count + 2
        let (x, y) = canvas.centredBox(width: width, height: height, title: title, role: .accent)
        for (index, line) in shown.enumerated() {
            switch line {
            case .text(let text, let role):
                canvas.text(text, x: x + 2, y: y + 1 + index, limit: width - 4, role: role)
            case .buttons(let buttons):
                var column = x + 2
                for button in buttons {
                    let label = "[ \(button.label) ]"
                    canvas.text(
                        label, x: column, y: y + 1 + index, limit: x + width - 2 - column, role: .button,
                        focused: button.focused)
                    column += CharacterWidth.of(label) + 2
                }
            case .gap:
                break
            }
        }
    }

    /// The title, the lines that may give way, and the lines that stay (buttons and keys).
    private static func lines(_ dialog: ShellState.Dialog, _ language: UILanguage, width: Int)
        -> (String, [Line], [Line])
    {
        func wrapped(_ text: String, _ role: CellRole = .normal) -> [Line] {
            CharacterWidth.wrap(text, width: width).map { .text($0, role) }
        }
        switch dialog {
        case .consent(let consent):
            var body = wrapped(
                consent.partner.map { "\(consent.app) (\($0))" } ?? consent.app, .heading)
            body += wrapped(Strings.consentQuestion(scope: consent.scope, language))
            body += wrapped("“\(consent.reason)”", .muted)
            if let shared = consent.shared {
                body += wrapped(Strings.text(.consentShares, language) + shared, .input)
            }
            body.append(.gap)
            return (
                Strings.text(.consentTitle, language), body,
                [
                    .buttons([
                        (Strings.text(.deny, language), !consent.allowFocused),
                        (Strings.text(.allow, language), consent.allowFocused),
                    ]), .text(Strings.text(.consentHints, language), .muted),
                ]
            )
        case .payment(let payment):
            var body = wrapped("\(payment.amount) → \(payment.payee)", .heading)
            body += wrapped(
                payment.description.isEmpty ? payment.app : "\(payment.description) · \(payment.app)")
            body.append(.gap)
            body += wrapped(Strings.text(.payFrom, language), .muted)
            for (index, account) in payment.accounts.enumerated() {
                let mark = index == payment.account ? "◉ " : "○ "
                body.append(
                    .text(
                        mark + (language == .chinese ? account.nameZh : account.name)
                            + " \(account.number) · \(account.balance)",
                        index == payment.account ? .input : .normal))
            }
            body.append(.gap)
            var keys: [Line] = [
                .text(
                    Strings.text(.pinPrompt, language) + String(repeating: "●", count: payment.pin.count)
                        + String(repeating: "○", count: PaymentDialog.pinLength - payment.pin.count), .input)
            ]
            switch payment.note {
            case .incomplete?: keys.append(.text(Strings.text(.pinIncomplete, language), .warning))
            case .wrongPIN(let left)?: keys.append(.text(Strings.wrongPIN(triesLeft: left, language), .danger))
            case .notEnough?: keys.append(.text(Strings.text(.notEnough, language), .warning))
            case nil: break
            }
            keys.append(.text(Strings.text(.payHints, language), .muted))
            return (Strings.text(.paymentTitle, language), body, keys)
        case .modal(let title, let content, let confirm, let cancel):
            var keys = Strings.text(.ok, language) + " " + confirm
            if let cancel { keys += " · " + Strings.text(.cancel, language) + " " + cancel }
            return (title, wrapped(content) + [.gap], [.text(keys, .muted)])
        }
    }
}
