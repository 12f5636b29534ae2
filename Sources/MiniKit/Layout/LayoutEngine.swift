import MiniSupport
import TerminalCells

/// Something focus can land on, where layout put it.
public struct FocusTarget: Sendable, Hashable {
    public var identity: String
    public var node: ViewNode
    /// First row and number of rows in the page.
    public var row: Int
    public var height: Int
}

/// Lays view nodes out into a cell buffer of a fixed width and as many rows as the page needs.
///
/// Containers stack their children (`row` places them side by side and wraps), text wraps by display
/// width (CJK characters take two cells), and each control draws in one line. In a column, the labels of its
/// inputs, pickers and labelled texts take the width of the widest, so their values line up (a form).
struct LayoutEngine {
    let width: Int
    /// The element drawn focused.
    let focused: String?
    /// Text typed into uncontrolled inputs, by identity.
    let inputOverrides: [String: String]
    private(set) var buffer: CellBuffer
    private(set) var focusables: [FocusTarget] = []

    init(width: Int, focused: String?, inputOverrides: [String: String] = [:]) {
        self.width = max(1, width)
        self.focused = focused
        self.inputOverrides = inputOverrides
        self.buffer = CellBuffer(width: max(1, width), height: 0)
    }

    /// Lays out the page's top-level nodes as a column.
    mutating func layout(_ nodes: [ViewNode]) {
        var y = 0
        for node in nodes {
            y += place(node, x: 0, y: y, width: width)
        }
    }

    // MARK: Measuring (for rows)

    func naturalWidth(_ node: ViewNode) -> Int {
        switch node.kind {
        case .text:
            return labelWidth(node) + (node.text.split(separator: "\n").map { CharacterWidth.of($0) }.max() ?? 0)
        case .button: return CharacterWidth.of(node.text) + 4
        case .navigator: return CharacterWidth.of(node.text) + 2
        case .input: return labelWidth(node) + fieldWidth(node) + 2
        case .switch: return 4 + CharacterWidth.of(node.string("label") ?? "")
        case .picker: return labelWidth(node) + CharacterWidth.of(pickerText(node)) + 4
        case .divider: return 3
        case .progress: return labelWidth(node) + 17
        case .row:
            let gap = node.int("gap", default: 1, in: 0...8)
            return node.children.map(naturalWidth).reduce(0, +) + max(0, node.children.count - 1) * gap
        case .view, .column, .list:
            let padding = node.int("padding", default: 0, in: 0...4) * 2
            return (node.children.map(naturalWidth).max() ?? 0) + padding
        }
    }

    private func labelWidth(_ node: ViewNode) -> Int {
        guard let label = node.string("label"), !label.isEmpty else { return 0 }
        return CharacterWidth.of(label) + 2
    }

    /// The label column of a container's children: the widest label of those that align theirs.
    private func labelColumn(_ children: [ViewNode]) -> Int {
        children.filter { [.input, .picker, .text].contains($0.kind) }.map(labelWidth).max() ?? 0
    }

    /// Writes `label: ` muted and pads it to the container's label column; returns the columns taken.
    private mutating func writeLabel(_ node: ViewNode, x: Int, y: Int, width: Int, column: Int) -> Int {
        guard let label = node.string("label"), !label.isEmpty else { return 0 }
        let used = buffer.write(label + ": ", x: x, y: y, limit: width, role: .muted)
        return min(width, max(used, column))
    }

    private func fieldWidth(_ node: ViewNode) -> Int {
        let maximum = node.int("maxlength", default: 0, in: 0...1_000)
        return max(12, min(30, maximum > 0 ? maximum + 2 : 20))
    }

    func pickerText(_ node: ViewNode) -> String {
        guard case .array(let options)? = node.properties["range"], !options.isEmpty else { return "(no options)" }
        let index = node.int("value", default: 0, in: 0...(options.count - 1))
        if let key = node.string("range-key"), let value = options[index][key] { return value.displayText }
        return options[index].displayText
    }

    // MARK: Placing

    /// Draws `node` at (x, y) within `width` columns; returns the rows used. `labels` is the label column of
    /// the container it is in.
    private mutating func place(_ node: ViewNode, x: Int, y: Int, width: Int, labels: Int = 0) -> Int {
        let width = max(1, width)
        // Pages are cut at a fixed number of rows: the buffer never grows without bound.
        guard y < MiniKitLimits.maximumRenderedRows else { return 0 }
        let isFocused = node.identity == focused
        switch node.kind {
        case .view, .column, .list:
            let padding = node.int("padding", default: 0, in: 0...4)
            let gap = node.int("gap", default: 0, in: 0...4)
            var cursor = y
            if node.kind == .list, node.children.isEmpty, let empty = node.string("empty") {
                return placeText(empty, x: x + padding, y: y, width: width - 2 * padding, role: .muted, align: "left")
            }
            let labels = labelColumn(node.children)
            for (index, child) in node.children.enumerated() {
                if index > 0 { cursor += gap }
                cursor += place(child, x: x + padding, y: cursor, width: width - 2 * padding, labels: labels)
            }
            return cursor - y
        case .row:
            let gap = node.int("gap", default: 1, in: 0...8)
            var cursorX = x
            var lineY = y
            var lineHeight = 0
            for child in node.children {
                let wanted = naturalWidth(child)
                if cursorX > x, cursorX + min(wanted, width) > x + width {
                    lineY += max(1, lineHeight)
                    cursorX = x
                    lineHeight = 0
                }
                let available = x + width - cursorX
                let used = min(wanted, available)
                let height = place(child, x: cursorX, y: lineY, width: max(1, used))
                lineHeight = max(lineHeight, height)
                cursorX += used + gap
            }
            return lineY - y + max(lineHeight, node.children.isEmpty ? 0 : 1)
        case .text:
            let tone = node.string("tone") ?? "normal"
            let role = CellRole(rawValue: tone) ?? .normal
            buffer.ensureHeight(y + 1)
            let label = writeLabel(node, x: x, y: y, width: width, column: labels)
            return placeText(
                node.text, x: x + label, y: y, width: width - label, role: role, align: node.string("align") ?? "left")
        case .button:
            let type = node.string("type") ?? "default"
            let role: CellRole =
                node.bool("disabled")
                ? .disabled : type == "primary" ? .primaryButton : type == "warn" ? .warnButton : .button
            buffer.ensureHeight(y + 1)
            buffer.write("[ \(node.text) ]", x: x, y: y, limit: width, role: role, focused: isFocused)
            register(node, row: y, height: 1)
            return 1
        case .navigator:
            buffer.ensureHeight(y + 1)
            let arrow = node.string("open-type") == "back" ? "‹" : "›"
            let label = node.text.hasPrefix(arrow) || node.text.hasPrefix("‹") ? node.text : "\(arrow) \(node.text)"
            buffer.write(label, x: x, y: y, limit: width, role: .link, focused: isFocused)
            register(node, row: y, height: 1)
            return 1
        case .input:
            buffer.ensureHeight(y + 1)
            let column = x + writeLabel(node, x: x, y: y, width: width, column: labels)
            let value = inputOverrides[node.identity] ?? node.string("value") ?? ""
            let field = max(3, min(fieldWidth(node), x + width - column))
            let shown: String
            let role: CellRole
            if value.isEmpty && !isFocused {
                shown = node.string("placeholder") ?? ""
                role = .placeholder
            } else {
                shown = node.string("type") == "password" ? String(repeating: "•", count: value.count) : value
                role = node.bool("disabled") ? .disabled : .input
            }
            buffer.write("[", x: column, y: y, role: .input, focused: isFocused)
            buffer.fill(" ", x: column + 1, y: y, count: field - 2, role: .input, focused: isFocused)
            // Show the end of long values, where the cursor is.
            var visible = shown + (isFocused ? "▏" : "")
            visible = CharacterWidth.suffix(of: visible, fitting: field - 2)
            buffer.write(visible, x: column + 1, y: y, limit: field - 2, role: role, focused: isFocused)
            buffer.write("]", x: column + field - 1, y: y, role: .input, focused: isFocused)
            register(node, row: y, height: 1)
            return 1
        case .switch:
            buffer.ensureHeight(y + 1)
            let mark = node.bool("checked") ? "[✓]" : "[ ]"
            buffer.write(
                "\(mark) \(node.string("label") ?? "")", x: x, y: y, limit: width,
                role: node.bool("disabled") ? .disabled : .normal, focused: isFocused)
            register(node, row: y, height: 1)
            return 1
        case .picker:
            buffer.ensureHeight(y + 1)
            let column = x + writeLabel(node, x: x, y: y, width: width, column: labels)
            buffer.write(
                "‹ \(pickerText(node)) ›", x: column, y: y, limit: x + width - column,
                role: node.bool("disabled") ? .disabled : .input, focused: isFocused)
            register(node, row: y, height: 1)
            return 1
        case .divider:
            buffer.ensureHeight(y + 1)
            if let label = node.string("label"), !label.isEmpty {
                let text = " \(label) "
                let side = max(0, (width - CharacterWidth.of(text)) / 2)
                buffer.fill("─", x: x, y: y, count: side, role: .divider)
                let used = buffer.write(text, x: x + side, y: y, limit: width - side, role: .muted)
                buffer.fill("─", x: x + side + used, y: y, count: width - side - used, role: .divider)
            } else {
                buffer.fill("─", x: x, y: y, count: width, role: .divider)
            }
            return 1
        case .progress:
            buffer.ensureHeight(y + 1)
            var column = x
            if let label = node.string("label"), !label.isEmpty {
                column += buffer.write(label + "  ", x: column, y: y, limit: width, role: .muted)
            }
            let percent = Double(node.int("percent", default: 0, in: 0...100))
            let bar = max(4, min(20, x + width - column - 6))
            let filled = Int((Double(bar) * percent / 100).rounded())
            buffer.fill("█", x: column, y: y, count: filled, role: .progress)
            buffer.fill("░", x: column + filled, y: y, count: bar - filled, role: .divider)
            buffer.write(" \(Int(percent))%", x: column + bar, y: y, limit: x + width - column - bar, role: .muted)
            return 1
        }
    }

    private mutating func register(_ node: ViewNode, row: Int, height: Int) {
        if node.acceptsFocus {
            focusables.append(FocusTarget(identity: node.identity, node: node, row: row, height: height))
        }
    }

    /// Wraps text to `width` display columns, breaking at spaces where it can; returns the rows used.
    private mutating func placeText(_ text: String, x: Int, y: Int, width: Int, role: CellRole, align: String) -> Int {
        let lines = CharacterWidth.wrap(text, width: max(1, width)).prefix(
            max(0, MiniKitLimits.maximumRenderedRows - y))
        buffer.ensureHeight(y + lines.count)
        for (index, line) in lines.enumerated() {
            let lineWidth = CharacterWidth.of(line)
            let offset =
                align == "center" ? max(0, (width - lineWidth) / 2) : align == "right" ? max(0, width - lineWidth) : 0
            buffer.write(line, x: x + offset, y: y + index, limit: width - offset, role: role)
        }
        return lines.count
    }
}
