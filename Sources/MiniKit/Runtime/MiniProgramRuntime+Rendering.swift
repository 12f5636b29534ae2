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
        var engine = LayoutEngine(width: width, focused: top.focus, inputOverrides: top.inputOverrides)
        engine.layout(nodes)
        let targets = engine.focusables
        var focus = top.focus
        var returnFocus = top.returnFocus
        if let wanted = returnFocus, targets.contains(where: { $0.identity == wanted }) {
            focus = wanted
            returnFocus = nil
        } else if focus == nil || !targets.contains(where: { $0.identity == focus }) {
            if returnFocus == nil { returnFocus = focus }
            focus = targets.first?.identity
        }
        var scroll = top.scroll
        if let target = targets.first(where: { $0.identity == focus }) {
            if target.row < scroll { scroll = target.row }
            if target.row + target.height > scroll + height { scroll = target.row + target.height - height }
        }
        scroll = max(0, min(scroll, max(0, engine.buffer.height - height)))
        let focusMoved = focus != top.focus
        if focus != top.focus || returnFocus != top.returnFocus || scroll != top.scroll {
            updateTop {
                $0.focus = focus
                $0.returnFocus = returnFocus
                $0.scroll = scroll
            }
        }
        // The layout drew focus where it was: keep it unless focus moved (scrolling does not change a layout).
        rendered = focusMoved ? nil : (revision, engine)
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
