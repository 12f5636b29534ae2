import MiniKit

/// The TUI loop, on one thread (ncurses is not thread-safe): render, flush what changed, wait for a key,
/// reduce, carry out the effects. Keys, resizes and (later) agent events all arrive here as actions.
public enum ShellLoop {
    /// Runs until an effect says quit; returns the final state. `handle` carries out the other effects.
    @discardableResult
    /// `news` is asked for actions from outside the loop (the sync agent's) on every turn.
    public static func run(
        _ terminal: some TerminalBackend, state initial: ShellState, tick: Duration = .milliseconds(100),
        news: () -> [ShellAction] = { [] }, handle: (ShellEffect) -> Void = { _ in }
    ) -> ShellState {
        var state = initial
        let size = terminal.size
        _ = ShellReducer.reduce(&state, .resized(width: size.width, height: size.height))
        var shown: CellBuffer?
        while true {
            for action in news() {
                for effect in ShellReducer.reduce(&state, action) {
                    if effect == .quit { return state }
                    handle(effect)
                }
            }
            let frame = ShellView.render(state)
            let diff = FrameDiff.between(shown, frame)
            if diff.full || !diff.runs.isEmpty { terminal.flush(diff) }
            shown = frame
            guard let key = terminal.nextKey(timeout: tick) else { continue }
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
