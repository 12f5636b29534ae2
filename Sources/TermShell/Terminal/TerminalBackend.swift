import MiniKit
import TerminalCells

/// The terminal, as the shell's loop sees it: its size, a place to put changed cells, and keys.
///
/// The seam between the screens and ncurses (``TermShellCurses``) or a test double. It lives on the TUI loop
/// alone: ncurses is not thread-safe.
public protocol TerminalBackend: AnyObject {
    /// Columns and rows now.
    var size: (width: Int, height: Int) { get }
    /// Writes the changed cells and shows them.
    func flush(_ diff: FrameDiff)
    /// The next key, or nil when `timeout` passes first.
    func nextKey(timeout: Duration) -> Key?
    /// The title bar's colour: a host brand's accent (`blue`, `green`, …), or nil for the shell's own.
    func apply(accent: String?)
}
