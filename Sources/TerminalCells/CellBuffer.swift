/// What a cell's content means; the terminal backend maps roles to colours (or to nothing under NO_COLOR).
public enum CellRole: String, Sendable, Hashable, CaseIterable {
    case normal, title, heading, muted, accent, success, warning, danger
    case button, primaryButton, warnButton, disabled, input, placeholder, link, divider, progress
}

/// One terminal cell.
public struct Cell: Sendable, Hashable {
    /// The character drawn here; a wide character's second cell holds `continuation`.
    public var character: Character
    public var role: CellRole
    /// Drawn inverted: the focused element.
    public var focused: Bool
    /// The right half of a wide character: draw nothing.
    public var isContinuation: Bool

    public static let blank = Cell(character: " ", role: .normal, focused: false, isContinuation: false)
}

/// A terminal-independent grid of cells that screens draw into; backends only copy it to a terminal.
public struct CellBuffer: Sendable, Hashable {
    public let width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Grows the buffer downwards (layout draws into an unbounded page, then a viewport is cut out).
    public mutating func ensureHeight(_ rows: Int) {
        guard rows > height else { return }
        cells.append(contentsOf: Array(repeating: .blank, count: (rows - height) * width))
        height = rows
    }

    /// Writes text from (x, y), clipped to `limit` columns (and the buffer's edge); returns the columns used.
    /// Wide characters take two cells and are never split at the edge. Text that does not fit ends in "…", so a
    /// cut is never mistaken for the whole.
    @discardableResult
    public mutating func write(
        _ text: String, x: Int, y: Int, limit: Int? = nil, role: CellRole = .normal, focused: Bool = false
    ) -> Int {
        guard y >= 0, y < height, x >= 0 else { return 0 }
        var end = min(width, x + (limit ?? width))
        // A character is never wider than its UTF-8 bytes: short text is not measured.
        let cut = text.utf8.count > end - x && CharacterWidth.of(text) > end - x
        if cut {
            guard end > x else { return 0 }
            end -= 1
        }
        var column = x
        for character in text {
            let cellWidth = CharacterWidth.of(character)
            if cellWidth == 0 { continue }  // controls (newlines, tabs) and marks take no cell
            guard column + cellWidth <= end else { break }
            self[column, y] = Cell(character: character, role: role, focused: focused, isContinuation: false)
            if cellWidth == 2 {
                self[column + 1, y] = Cell(character: " ", role: role, focused: focused, isContinuation: true)
            }
            column += cellWidth
        }
        if cut {
            self[column, y] = Cell(character: "…", role: role, focused: focused, isContinuation: false)
            column += 1
        }
        return column - x
    }

    /// Fills a run of cells.
    public mutating func fill(
        _ character: Character, x: Int, y: Int, count: Int, role: CellRole = .normal, focused: Bool = false
    ) {
        let lower = max(0, x)
        let upper = min(width, x + count)
        guard y >= 0, y < height, lower < upper else { return }
        for column in lower..<upper {
            self[column, y] = Cell(character: character, role: role, focused: focused, isContinuation: false)
        }
    }

    /// Rows `from..<from+count` as a new buffer (rows past the end are blank).
    public func slice(from top: Int, count: Int) -> CellBuffer {
        var result = CellBuffer(width: width, height: count)
        for row in 0..<count where top + row < height && top + row >= 0 {
            for column in 0..<width { result[column, row] = self[column, top + row] }
        }
        return result
    }

    /// Copies another buffer in at (x, y), clipped.
    public mutating func blit(_ other: CellBuffer, x: Int, y: Int) {
        for row in 0..<other.height where y + row >= 0 && y + row < height {
            for column in 0..<other.width where x + column >= 0 && x + column < width {
                self[x + column, y + row] = other[column, row]
            }
        }
    }

    /// The text of each row, trailing spaces removed: the snapshot format.
    public var lines: [String] {
        (0..<height).map { row in
            var line = ""
            for column in 0..<width {
                let cell = self[column, row]
                if !cell.isContinuation { line.append(cell.character) }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// All rows joined with newlines.
    public var text: String { lines.joined(separator: "\n") }
}
