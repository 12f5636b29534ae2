import MiniKit
import TerminalCells

/// The TUI loop, on one thread (ncurses is not thread-safe): render, flush what changed, wait for a key,
/// reduce, carry out the effects. Keys, resizes and (later) agent events all arrive here as actions.
public enum ShellLoop {
    /// Runs until an effect says quit; returns the final state. `handle` carries out the other effects;
    /// `news` is asked for actions from outside the loop (the sync agent's) on every turn.
    @discardableResult
    public static func run(
        _ terminal: some TerminalBackend, state initial: ShellState, tick: Duration = .milliseconds(100),
        news: () -> [ShellAction] = { [] }, handle: (ShellEffect) -> Void = { _ in }
    ) -> ShellState {
        var state = initial
        let size = terminal.size
        _ = ShellReducer.reduce(&state, .resized(width: size.width, height: size.height))
        var shown: CellBuffer?
        var accent: String?
        // The screen is a function of the state: draw only after an action, not on every idle tick.
        var changed = true
        while true {
            for action in news() {
                changed = true
                for effect in ShellReducer.reduce(&state, action) {
                    if effect == .quit { return state }
                    handle(effect)
                }
            }
            if changed {
                // A new accent shows only at the next refresh: flush even when no cell changed.
                let recoloured = state.brand?.accent != accent
                if recoloured {
                    accent = state.brand?.accent
                    terminal.apply(accent: accent)
                }
                let frame = ShellView.render(state)
                let diff = FrameDiff.between(shown, frame)
                if diff.full || !diff.runs.isEmpty || recoloured { terminal.flush(diff) }
                shown = frame
                changed = false
            }
            guard let key = terminal.nextKey(timeout: tick) else { continue }
            changed = true
            let action: ShellAction
            if key == .resize {
                let size = terminal.size
                action = .resized(width: size.width, height: size.height)
            } else {
                action = .key(key)
            }
            for effect in ShellReducer.reduce(&state, action) {
                if effect == .quit { return state }
                handle(effect)
            }
        }
    }
}
