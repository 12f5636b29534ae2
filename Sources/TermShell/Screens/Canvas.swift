import MiniKit
import TerminalCells

/// Drawing helpers over a ``CellBuffer``: boxes, centred and right-aligned text, bars.
struct Canvas {
    var buffer: CellBuffer

    init(width: Int, height: Int) { buffer = CellBuffer(width: width, height: height) }

    var width: Int { buffer.width }
    var height: Int { buffer.height }

    mutating func text(
        _ text: String, x: Int, y: Int, limit: Int? = nil, role: CellRole = .normal, focused: Bool = false
    ) {
        buffer.write(text, x: x, y: y, limit: limit, role: role, focused: focused)
    }

    mutating func centred(_ text: String, y: Int, role: CellRole = .normal) {
        let x = max(0, (width - CharacterWidth.of(text)) / 2)
        buffer.write(text, x: x, y: y, limit: width - x, role: role)
    }

    mutating func rightAligned(_ text: String, right: Int, y: Int, role: CellRole = .normal) {
        let x = max(0, right - CharacterWidth.of(text))
        buffer.write(text, x: x, y: y, limit: right - x, role: role)
    }

    /// A full-width bar: a title on the left, a note on the right.
    mutating func bar(_ left: String, right: String = "", y: Int, role: CellRole) {
        buffer.fill(" ", x: 0, y: y, count: width, role: role)
        buffer.write(" " + left, x: 0, y: y, limit: width, role: role)
        if !right.isEmpty { rightAligned(right + " ", right: width, y: y, role: role) }
    }

    /// A box with a title in its top edge.
    mutating func box(x: Int, y: Int, width: Int, height: Int, title: String = "", role: CellRole = .divider) {
        guard width >= 2, height >= 2 else { return }
        buffer.write("┌" + String(repeating: "─", count: width - 2) + "┐", x: x, y: y, role: role)
        for row in (y + 1)..<(y + height - 1) {
            buffer.write("│", x: x, y: row, role: role)
            buffer.write("│", x: x + width - 1, y: row, role: role)
        }
        buffer.write("└" + String(repeating: "─", count: width - 2) + "┘", x: x, y: y + height - 1, role: role)
        if !title.isEmpty { buffer.write(" \(title) ", x: x + 2, y: y, limit: width - 4, role: .heading) }
    }

    /// A cleared box centred on the screen, below the title bar: notices, the keys overlay, dialogs. Returns
    /// its top-left corner.
    mutating func centredBox(width: Int, height: Int, title: String = "", role: CellRole) -> (x: Int, y: Int) {
        let x = (self.width - width) / 2
        let y = max(1, (self.height - height) / 2)
        clearedBox(x: x, y: y, width: width, height: height, title: title, role: role)
        return (x, y)
    }

    /// A centred box of lines, each in its role, inside a margin of two columns: the overlays' shape (the keys,
    /// the About page, the complaint form).
    mutating func linesBox(_ lines: [(String, CellRole)], width: Int, title: String, role: CellRole = .accent) {
        let (x, y) = centredBox(width: width, height: lines.count + 2, title: title, role: role)
        for (index, line) in lines.enumerated() {
            text(line.0, x: x + 2, y: y + 1 + index, limit: width - 4, role: line.1)
        }
    }

    /// A box over whatever was drawn there before.
    mutating func clearedBox(x: Int, y: Int, width: Int, height: Int, title: String = "", role: CellRole) {
        clear(x: x, y: y, width: width, height: height)
        box(x: x, y: y, width: width, height: height, title: title, role: role)
    }

    /// A list row: text on the left, a muted note on the right, the whole row inverted when focused.
    mutating func row(_ left: String, _ right: String, x: Int, y: Int, width: Int, focused: Bool) {
        buffer.fill(" ", x: x, y: y, count: width, focused: focused)
        buffer.write(" " + left, x: x, y: y, limit: width / 2, focused: focused)
        let noteX = max(x, x + width - CharacterWidth.of(right) - 1)
        buffer.write(right, x: noteX, y: y, limit: x + width - noteX, role: .muted, focused: focused)
    }

    /// Clears a rectangle.
    mutating func clear(x: Int, y: Int, width: Int, height: Int) {
        for row in y..<(y + height) { buffer.fill(" ", x: x, y: row, count: width) }
    }
}
