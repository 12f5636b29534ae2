import Foundation
import Synchronization
import TerminalCells

/// Building and laying out the view, focus and scrolling, the visible screen.
extension MiniProgramRuntime {
    /// The top page's layout: the one ``settle(_:)`` made when nothing changed since, else a new one.
    func currentLayout(_ top: PageInstance) -> LayoutEngine {
        if let rendered, rendered.revision == revision { return rendered.engine }
        return layout(top)
    }

    /// Evaluates and lays out a page.
    func layout(_ page: PageInstance) -> LayoutEngine {
        layouts.count.add(1, ordering: .relaxed)
        var builder = ViewBuilder(page: page.page)
        let nodes = builder.build(data: page.data, query: page.query)
        var engine = LayoutEngine(width: width, focused: page.focus, inputOverrides: page.inputOverrides)
        engine.layout(nodes)
        return engine
    }

    /// After state changes: put focus on something that exists, scroll it into view, report new render problems.
    mutating func settle(_ effects: inout [RuntimeEffect]) {
        guard let top = stack.last else { return }
        var builder = ViewBuilder(page: top.page)
        let nodes = builder.build(data: top.data, query: top.query)
        for issue in builder.issues where reportedIssues.insert("\(issue.location) \(issue.message)").inserted {
            effects.append(.runtimeError(code: issue.code, message: "\(issue.location): \(issue.message)"))
        }
        // Focus is decided before the layout, from the focusable nodes in reading order, so that the layout is
        // drawn with it; the layout's own targets confirm it (a page cut at its row limit has fewer).
        var predicted: [String] = []
        collectFocusable(nodes, into: &predicted)
        let current = top.focusChosen ? top.focus : nil
        let guess = Self.focus(among: predicted, focus: current, returnFocus: top.returnFocus)
        var engine = LayoutEngine(width: width, focused: guess.focus, inputOverrides: top.inputOverrides)
        engine.layout(nodes)
        layouts.count.add(1, ordering: .relaxed)
        let targets = engine.focusables
        let (focus, returnFocus) = Self.focus(
            among: targets.map(\.identity), focus: current, returnFocus: top.returnFocus)
        if focus != guess.focus {
            engine = LayoutEngine(width: width, focused: focus, inputOverrides: top.inputOverrides)
            engine.layout(nodes)
            layouts.count.add(1, ordering: .relaxed)
        }
        var scroll = top.scroll
        if let target = targets.first(where: { $0.identity == focus }) {
            if target.row < scroll { scroll = target.row }
            if target.row + target.height > scroll + height { scroll = target.row + target.height - height }
        }
        scroll = max(0, min(scroll, max(0, engine.buffer.height - height)))
        if focus != top.focus || returnFocus != top.returnFocus || scroll != top.scroll {
            updateTop {
                $0.focus = focus
                $0.returnFocus = returnFocus
                $0.scroll = scroll
            }
        }
        // The layout drew the focus decided here: it serves drawing until something changes (scrolling does not
        // change a layout).
        rendered = (revision, engine)
    }

    /// Where focus goes among the focusable identities: back to where it was before a control was disabled for
    /// a moment, else where it is if that still exists, else the first.
    static func focus(among targets: [String], focus: String?, returnFocus: String?) -> (
        focus: String?, returnFocus: String?
    ) {
        if let wanted = returnFocus, targets.contains(wanted) { return (wanted, nil) }
        if let focus, targets.contains(focus) { return (focus, returnFocus) }
        return (targets.first, returnFocus ?? focus)
    }

    /// The identities focus can land on, in reading order (the order the layout places them in).
    private func collectFocusable(_ nodes: [ViewNode], into identities: inout [String]) {
        for node in nodes {
            if node.acceptsFocus { identities.append(node.identity) }
            collectFocusable(node.children, into: &identities)
        }
    }

    /// The visible part of the current page: `width × height` cells.
    public func screen() -> CellBuffer {
        guard let top = stack.last else { return CellBuffer(width: width, height: height) }
        return currentLayout(top).buffer.slice(from: top.scroll, count: height)
    }

    /// Changes the viewport (the host's container area was resized).
    public mutating func resize(width: Int, height: Int) {
        self.width = max(1, width)
        self.height = max(1, height)
        var effects: [RuntimeEffect] = []
        settle(&effects)
    }
}
