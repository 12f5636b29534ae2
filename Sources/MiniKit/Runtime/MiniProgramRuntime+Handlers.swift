import Foundation
import MiniSupport

/// The handler interpreter: actions run in frames, with a budget.
extension MiniProgramRuntime {
    func instance(_ id: Int) -> PageInstance? { stack.first { $0.id == id } }

    mutating func updatePage(_ id: Int, _ change: (inout PageInstance) -> Void) {
        guard let index = stack.firstIndex(where: { $0.id == id }) else { return }
        change(&stack[index])
    }

    mutating func updateTop(_ change: (inout PageInstance) -> Void) {
        guard !stack.isEmpty else { return }
        change(&stack[stack.count - 1])
    }

    func scope(_ page: PageInstance, _ locals: [String: MiniValue]) -> Scope {
        Scope(["query": page.query]).pushing(page.data).pushing(locals)
    }

    /// Runs frames until they finish or a call suspends them.
    mutating func run(_ initial: [HandlerFrame], page pageID: Int, effects: inout [RuntimeEffect]) {
        var frames = initial
        while !frames.isEmpty {
            let top = frames.count - 1
            guard frames[top].index < frames[top].actions.count else {
                frames.removeLast()
                continue
            }
            let action = frames[top].actions[frames[top].index]
            frames[top].index += 1
            let locals = frames[top].locals
            actionsLeft -= 1
            guard actionsLeft >= 0 else {
                effects.append(
                    .runtimeError(
                        code: "limit.actions",
                        message:
                            "handlers ran more than \(MiniKitLimits.maximumActionsPerRun) actions for one input and were stopped"
                    ))
                return
            }
            guard let page = instance(pageID) else { return }
            let scope = self.scope(page, locals)
            do {
                switch action {
                case .set(let assignments, let range):
                    var data = page.data
                    for assignment in assignments {
                        let value = try ExpressionEvaluator.evaluate(assignment.value, in: scope)
                        try Self.assign(value, to: assignment.target, in: &data, scope: scope)
                    }
                    guard !MiniValue.object(data).nests(deeperThan: MiniValue.maximumDepth) else {
                        effects.append(
                            .runtimeError(
                                code: "limit.data-depth",
                                message:
                                    "\(location(page, range)): page data would nest deeper than \(MiniValue.maximumDepth) levels; the change was refused and the handler stopped"
                            ))
                        return
                    }
                    let size = MiniValue.object(data).approximateSize
                    guard size <= MiniKitLimits.maximumDataSize else {
                        effects.append(
                            .runtimeError(
                                code: "limit.data-size",
                                message:
                                    "\(location(page, range)): page data would grow to \(size / 1024) KiB, over the \(MiniKitLimits.maximumDataSize / 1024) KiB limit; the change was refused and the handler stopped"
                            ))
                        return
                    }
                    updatePage(pageID) { $0.data = data }
                case .call(let call):
                    let arguments =
                        try call.arguments.map { expression throws(EvaluationError) in
                            try ExpressionEvaluator.evaluate(expression, in: scope)
                        } ?? .object([:])
                    if beginCall(
                        call, arguments: arguments, frames: &frames, locals: locals, page: pageID, effects: &effects)
                    {
                        return  // suspended until the host answers
                    }
                case .toast(let message, _):
                    effects.append(.toast(try ExpressionEvaluator.evaluate(message, in: scope).displayText))
                case .modal(let options, let confirm, let cancel, _):
                    let value = try ExpressionEvaluator.evaluate(options, in: scope)
                    let id = newCallID()
                    let cancelText: String? =
                        value["showCancel"] == .bool(false) ? nil : (value["cancelText"]?.displayText ?? "Cancel")
                    effects.append(
                        .modal(
                            id, title: value["title"]?.displayText ?? "",
                            content: value["content"]?.displayText ?? value.displayText,
                            confirmText: value["confirmText"]?.displayText ?? "OK", cancelText: cancelText))
                    pending[id] = .modal(page: pageID, confirm: confirm, cancel: cancel, frames: frames, locals: locals)
                    return
                case .navigate(let target, let queryExpression, let redirect, _):
                    let name = try ExpressionEvaluator.evaluate(target, in: scope).displayText
                    let query =
                        try queryExpression.map { expression throws(EvaluationError) in
                            try ExpressionEvaluator.evaluate(expression, in: scope)
                        } ?? .object([:])
                    navigate(to: name, query: query, redirect: redirect, effects: &effects)
                case .back:
                    pop(effects: &effects)
                case .branch(let branches, _):
                    for branch in branches {
                        if let condition = branch.condition,
                            !(try ExpressionEvaluator.evaluate(condition, in: scope).isTruthy)
                        {
                            continue
                        }
                        frames.append(HandlerFrame(actions: branch.body, locals: locals))
                        break
                    }
                case .stop:
                    return
                }
            } catch {
                effects.append(
                    .runtimeError(
                        code: error.code,
                        message: "\(location(page, error.range)): \(error.message); the handler stopped"))
                return
            }
        }
    }

    func location(_ page: PageInstance, _ range: SourceRange) -> String {
        guard let file = page.page.logicFile else { return page.page.markup.path }
        let (line, column) = file.location(of: range.lowerBound)
        return "\(file.path):\(line):\(column)"
    }
}
