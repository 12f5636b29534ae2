/// A key press (or the terminal changing size), as the backend reports it.
public enum Key: Sendable, Hashable {
    case character(Character)
    case up, down, left, right
    case enter, escape, tab, backTab, backspace, delete
    case home, end, pageUp, pageDown
    case function(Int)
    /// Ctrl with a letter: `control("d")`.
    case control(Character)
    /// The terminal was resized.
    case resize
    /// The terminal went away (end of input, hang-up): the shell quits.
    case hangUp
}
