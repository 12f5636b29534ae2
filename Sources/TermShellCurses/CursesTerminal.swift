import CNCursesW
import Foundation
import TermShell
import TerminalCells

/// The terminal through ncursesw: writes only the cells a frame changed, reads keys (wide characters,
/// keypad keys, resizes). Colours come from cell roles, or none under `NO_COLOR`. Use it from one thread.
public final class CursesTerminal: TerminalBackend {
    private let window: UnsafeMutablePointer<WINDOW>
    private let colors: Bool
    /// Reads that failed at once, in a row: a closed terminal fails every read without waiting.
    private var instantFailures = 0

    /// Takes over the terminal. `colors` false (NO_COLOR) draws with attributes only.
    public convenience init(colors: Bool) {
        Self.useUTF8Locale()
        self.init(window: initscr()!, colors: colors)
    }

    /// A terminal of type `type` writing to `output` and reading `input` (benchmarks count what it writes).
    public convenience init(
        type: String, output: UnsafeMutablePointer<FILE>, input: UnsafeMutablePointer<FILE>, colors: Bool
    ) {
        Self.useUTF8Locale()
        let screen = newterm(type, output, input)
        set_term(screen)
        self.init(window: stdscr_shim(), colors: colors)
    }

    /// The user's locale, with UTF-8 characters: ncursesw draws wide characters (Chinese, `¥`) only under a UTF-8
    /// character type. When the environment names a locale this machine lacks (`LANG=zh_CN.UTF-8` where only
    /// C.UTF-8 is installed) or one without UTF-8, characters fall back to C.UTF-8; the screens' language still
    /// follows `--lang` or `LANG`. Returns false when no UTF-8 locale exists at all.
    @discardableResult
    public static func useUTF8Locale() -> Bool {
        setlocale(LC_ALL, "")
        if isUTF8 { return true }
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil {
            if isUTF8 { return true }
        }
        return false
    }

    private static var isUTF8: Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    private init(window: UnsafeMutablePointer<WINDOW>, colors: Bool) {
        self.window = window
        raw()
        noecho()
        keypad(window, true)
        curs_set(0)
        set_escdelay(25)
        self.colors = colors && has_colors()
        if self.colors {
            start_color()
            use_default_colors()
            for role in CellRole.allCases {
                let (foreground, background) = Self.palette(role)
                init_pair(Self.pair(role), foreground, background)
            }
        }
    }

    /// Gives the terminal back.
    public func close() { endwin() }

    /// The title bar takes the host brand's accent: its colour pair is redefined, which ncurses applies to the
    /// cells already drawn with it at the next refresh.
    public func apply(accent: String?) {
        guard colors else { return }  // NO_COLOR, or a terminal without colours: nothing to redefine
        let colour: Int32? =
            switch accent {
            case "green": COLOR_GREEN
            case "red": COLOR_RED
            case "magenta": COLOR_MAGENTA
            case "cyan": COLOR_CYAN
            case "yellow": COLOR_YELLOW
            case "blue": COLOR_BLUE
            default: nil
            }
        guard let colour else {
            let (foreground, background) = Self.palette(.title)  // the shell's own look
            init_pair(Self.pair(.title), foreground, background)
            return
        }
        // White reads badly on yellow and cyan: black there.
        let text = colour == COLOR_YELLOW || colour == COLOR_CYAN ? COLOR_BLACK : COLOR_WHITE
        init_pair(Self.pair(.title), Int16(text), Int16(colour))
    }

    public var size: (width: Int, height: Int) {
        (Int(ccurses_width(window)), Int(ccurses_height(window)))
    }

    public func flush(_ diff: FrameDiff) {
        if diff.full { werase(window) }
        var style: Cell?
        for run in diff.runs {
            for (offset, cell) in run.cells.enumerated() where !cell.isContinuation {
                if style?.role != cell.role || style?.focused != cell.focused {
                    apply(cell)
                    style = cell
                }
                // Each cell at its own column: where ncurses and our width table disagree about a character
                // (emoji sequences, say), the rest of the row does not shift.
                let text = cell.character.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
                _ = ccurses_write(window, Int32(run.y), Int32(run.x + offset), text, Int32(text.count))
            }
        }
        wrefresh(window)
    }

    public func nextKey(timeout: Duration) -> Key? {
        let milliseconds = Int32(
            timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        wtimeout(window, milliseconds)
        var code: wint_t = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let result = wget_wch(window, &code)
        if result == ERR {
            // A timeout takes the whole wait; a failure that returns at once, again and again, is a terminal
            // that is gone.
            let waited = DispatchTime.now().uptimeNanoseconds - started
            instantFailures = milliseconds > 0 && waited < UInt64(milliseconds) * 500_000 ? instantFailures + 1 : 0
            return instantFailures > 20 ? .hangUp : nil
        }
        instantFailures = 0
        if result == KEY_CODE_YES { return Self.keypadKey(Int32(code)) }
        switch code {
        case 10, 13: return .enter
        case 27: return .escape
        case 9: return .tab
        case 8, 127: return .backspace
        case 1...26: return .control(Character(UnicodeScalar(UInt8(code) + 96)))
        default:
            guard let scalar = UnicodeScalar(UInt32(code)) else { return nil }
            return .character(Character(scalar))
        }
    }

    private static func keypadKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        default:
            for number in 1...12 where code == ccurses_key_f(Int32(number)) { return .function(number) }
            return nil
        }
    }

    private func apply(_ cell: Cell) {
        var attributes: attr_t = 0
        if cell.focused { attributes |= ccurses_reverse() }
        switch cell.role {
        case .title, .heading, .primaryButton: attributes |= ccurses_bold()
        case .muted, .disabled, .placeholder: attributes |= colors ? 0 : ccurses_dim()
        case .link: attributes |= colors ? 0 : ccurses_underline()
        default: break
        }
        _ = ccurses_style(window, attributes, colors ? Self.pair(cell.role) : 0)
    }

    /// The colour pair of each role: 1, 2, … in the order of `CellRole.allCases` (0 is the terminal's own).
    private static let pairs = Dictionary(
        uniqueKeysWithValues: CellRole.allCases.enumerated().map { ($1, Int16($0 + 1)) })

    private static func pair(_ role: CellRole) -> Int16 { pairs[role] ?? 0 }

    /// Foreground and background per role; -1 is the terminal's default.
    private static func palette(_ role: CellRole) -> (Int16, Int16) {
        switch role {
        case .title: (Int16(COLOR_WHITE), Int16(COLOR_BLUE))
        case .heading, .accent, .link: (Int16(COLOR_CYAN), -1)
        case .muted, .disabled, .placeholder, .divider: (Int16(COLOR_BLUE), -1)
        case .success, .progress: (Int16(COLOR_GREEN), -1)
        case .warning, .warnButton: (Int16(COLOR_YELLOW), -1)
        case .danger: (Int16(COLOR_RED), -1)
        case .button, .primaryButton: (Int16(COLOR_WHITE), -1)
        case .input: (Int16(COLOR_YELLOW), -1)
        case .normal: (-1, -1)
        }
    }
}
