import Foundation
import MiniSupport
import Synchronization

/// A running mini-program, headless: a page stack, handlers, rendering into cells, and the sandbox.
///
/// The Elm shape: inputs and host answers go in (``handle(_:)``, ``complete(_:with:)``, ``answerConsent(_:granted:)``,
/// ``answerModal(_:confirmed:)``), state changes, and effects come out for the host to perform. The host
/// never runs mini-program code, and the mini-program reaches nothing but through effects that MiniKit
/// has checked against the manifest and the ``SandboxPolicy``.
public struct MiniProgramRuntime: Sendable {
    public let program: MiniProgram
    public internal(set) var policy: SandboxPolicy
    /// The mini-program's storage: loaded once at start; every change also leaves as an effect for the host.
    var storage: [String: MiniValue]
    public internal(set) var stack: [PageInstance] = [] {
        didSet { revision &+= 1 }
    }
    public var width: Int {
        didSet { revision &+= 1 }
    }
    public var height: Int
    /// Bumped by every change to what the screen shows, so a layout is reused only while it is current.
    var revision = 0
    /// The current page laid out by the last ``settle(_:)``, with the revision it belongs to: a key costs one
    /// build and layout of the view, not one each for reading focus, settling and drawing.
    var rendered: (revision: Int, engine: LayoutEngine)?
    /// How many times a view was built and laid out (tests hold the runtime to one per key).
    let layouts = LayoutCounter()
    var nextPageID = 1
    var nextCallID = 1
    var pending: [CallID: Continuation] = [:]
    var reportedIssues = Set<String>()
    /// Actions left for the current input or host answer, across every handler and hook it runs.
    var actionsLeft = MiniKitLimits.maximumActionsPerRun
    /// How deeply hooks run inside navigations started by other hooks.
    var hookNesting = 0

    public init(
        program: MiniProgram, policy: SandboxPolicy, storage: any MiniStorage, width: Int = 80, height: Int = 24
    ) {
        self.program = program
        self.policy = policy
        self.storage = storage.load()
        self.width = width
        self.height = height
    }

    /// The page on top of the stack.
    public var currentPage: PageInstance? { stack.last }

    /// Calls waiting for a host answer.
    public var pendingCalls: [CallID] { pending.keys.sorted { $0.rawValue < $1.rawValue } }

    // MARK: Lifecycle

    /// Opens the entry page (or `page`, with `query`), running its load and show hooks.
    public mutating func start(page: String? = nil, query: MiniValue = .object([:])) -> [RuntimeEffect] {
        beginEntry()
        var effects: [RuntimeEffect] = []
        let name = page ?? program.manifest.entryPage
        guard program.hasPage(name) else {
            return [.runtimeError(code: "runtime.unknown-page", message: "page '\(name)' does not exist")]
        }
        push(name, query: query, effects: &effects)
        settle(&effects)
        return effects
    }

    mutating func push(
        _ name: String, query: MiniValue, hidePrevious: Bool = true, effects: inout [RuntimeEffect]
    ) {
        guard let page = program.page(name) else {
            effects.append(.runtimeError(code: "runtime.unknown-page", message: "page '\(name)' does not exist"))
            return
        }
        guard stack.count < MiniKitLimits.maximumPageStackDepth else {
            effects.append(
                .runtimeError(
                    code: "limit.page-stack",
                    message:
                        "the page stack is already \(MiniKitLimits.maximumPageStackDepth) deep; use redirect instead of navigate"
                ))
            return
        }
        if hidePrevious, let current = stack.last { runHook(.hide, on: current.id, effects: &effects) }
        let instance = PageInstance(id: nextPageID, page: page, data: page.logic.data, query: query)
        nextPageID += 1
        stack.append(instance)
        runHook(.load, on: instance.id, effects: &effects)
        runHook(.show, on: instance.id, effects: &effects)
    }

    mutating func pop(effects: inout [RuntimeEffect]) {
        guard let current = stack.last else { return }
        runHook(.unload, on: current.id, effects: &effects)
        stack.removeLast()
        if let previous = stack.last {
            runHook(.show, on: previous.id, effects: &effects)
        } else {
            effects.append(.close)
        }
    }

    mutating func runHook(_ hook: LifecycleHook, on pageID: Int, effects: inout [RuntimeEffect]) {
        guard let page = instance(pageID), let handler = page.page.logic.hooks[hook] else { return }
        // Hooks that navigate run more hooks: bound the nesting, so `on load { redirect "self" }` stops.
        guard hookNesting < Self.maximumHookNesting else {
            effects.append(
                .runtimeError(
                    code: "limit.navigation-loop",
                    message:
                        "pages keep opening each other from their lifecycle hooks (\(Self.maximumHookNesting) deep); stopped at 'on \(hook.rawValue)' of '\(page.page.name)'"
                ))
            return
        }
        hookNesting += 1
        defer { hookNesting -= 1 }
        run([HandlerFrame(actions: handler.body, locals: [:])], page: pageID, effects: &effects)
    }

    static let maximumHookNesting = 16

    /// Every public entry point gives the work it causes one action budget.
    mutating func beginEntry() { actionsLeft = MiniKitLimits.maximumActionsPerRun }

    // MARK: Input

    /// Applies a key from the host.
    public mutating func handle(_ input: RuntimeInput) -> [RuntimeEffect] {
        beginEntry()
        var effects: [RuntimeEffect] = []
        guard let top = stack.last else { return effects }
        if input == .back {
            pop(effects: &effects)
            settle(&effects)
            return effects
        }
        let targets = currentLayout(top).focusables
        guard !targets.isEmpty else { return effects }
        let index = targets.firstIndex { $0.identity == top.focus } ?? 0
        let target = targets[index]
        switch input {
        case .focusNext, .focusPrevious:
            // Focus wraps: past the last element comes the first again, as Tab does in forms.
            let next =
                input == .focusNext ? (index + 1) % targets.count : (index + targets.count - 1) % targets.count
            // The first key only shows where focus is, when nothing was focused yet.
            updateTop {
                $0.focus = top.focus == nil ? targets[index].identity : targets[next].identity
                $0.returnFocus = nil
                $0.focusChosen = true
            }
        case .activate:
            updateTop {
                $0.focus = target.identity
                $0.returnFocus = nil
                $0.focusChosen = true
            }
            activate(target.node, effects: &effects)
        case .left, .right:
            guard target.node.kind == .picker, case .array(let options)? = target.node.properties["range"],
                !options.isEmpty
            else { break }
            let current = target.node.int("value", default: 0, in: 0...(options.count - 1))
            let next = input == .right ? (current + 1) % options.count : (current - 1 + options.count) % options.count
            updateTop {
                $0.focus = target.identity
                $0.focusChosen = true
            }
            fire("change", on: target.node, value: .number(Double(next)), effects: &effects)
        case .character(let character):
            guard target.node.kind == .input, !target.node.bool("disabled") else { break }
            let old = top.inputOverrides[target.identity] ?? target.node.string("value") ?? ""
            guard Self.accepts(character, type: target.node.string("type") ?? "text") else { break }
            let limit = target.node.int("maxlength", default: 140, in: 0...1_000)
            guard old.count < (limit > 0 ? limit : 140) else { break }
            edit(target, old + String(character), effects: &effects)
        case .backspace:
            guard target.node.kind == .input, !target.node.bool("disabled") else { break }
            let old = top.inputOverrides[target.identity] ?? target.node.string("value") ?? ""
            guard !old.isEmpty else { break }
            edit(target, String(old.dropLast()), effects: &effects)
        case .back:
            break
        }
        settle(&effects)
        return effects
    }

    static func accepts(_ character: Character, type: String) -> Bool {
        guard !character.isNewline, character.unicodeScalars.allSatisfy({ $0.value >= 0x20 }) else { return false }
        switch type {
        case "digit": return character.isASCII && character.isNumber
        case "number": return character.isASCII && (character.isNumber || character == "." || character == "-")
        case "idcard": return character.isASCII && (character.isNumber || character == "X" || character == "x")
        default: return true
        }
    }

    mutating func edit(_ target: FocusTarget, _ value: String, effects: inout [RuntimeEffect]) {
        updateTop {
            if target.node.properties["value"] == nil { $0.inputOverrides[target.identity] = value }
            $0.focus = target.identity
            $0.focusChosen = true
        }
        fire("input", on: target.node, value: .string(value), effects: &effects)
    }

    mutating func activate(_ node: ViewNode, effects: inout [RuntimeEffect]) {
        switch node.kind {
        case .button:
            fire("tap", on: node, value: nil, effects: &effects)
        case .navigator:
            fire("tap", on: node, value: nil, effects: &effects)
            switch node.string("open-type") ?? "navigate" {
            case "back": pop(effects: &effects)
            case let kind:
                let url = node.string("url") ?? ""
                let parts = url.split(separator: "?", maxSplits: 1)
                var query: [String: MiniValue] = [:]
                if parts.count > 1 {
                    for pair in parts[1].split(separator: "&") {
                        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                        guard let rawKey = kv.first, !rawKey.isEmpty else { continue }
                        let key = String(rawKey).removingPercentEncoding ?? String(rawKey)
                        query[key] = .string(
                            kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : "")
                    }
                }
                navigate(
                    to: String(parts.first ?? ""), query: .object(query), redirect: kind == "redirect",
                    effects: &effects)
            }
        case .switch:
            fire("change", on: node, value: .bool(!node.bool("checked")), effects: &effects)
        case .picker:
            guard case .array(let options)? = node.properties["range"], !options.isEmpty else { return }
            fire(
                "change", on: node,
                value: .number(
                    Double((node.int("value", default: 0, in: 0...(options.count - 1)) + 1) % options.count)),
                effects: &effects)
        case .input:
            fire(
                "confirm", on: node,
                value: .string(stack.last?.inputOverrides[node.identity] ?? node.string("value") ?? ""),
                effects: &effects)
        default:
            break
        }
    }

    mutating func fire(_ event: String, on node: ViewNode, value: MiniValue?, effects: inout [RuntimeEffect]) {
        guard let top = stack.last, let handlerName = node.events[event],
            let handler = top.page.logic.handlers[handlerName]
        else { return }
        var eventValue: [String: MiniValue] = ["type": .string(event), "dataset": .object(node.dataset)]
        if let value { eventValue["value"] = value }
        run(
            [HandlerFrame(actions: handler.body, locals: ["event": .object(eventValue)])], page: top.id,
            effects: &effects)
    }

    mutating func navigate(to name: String, query: MiniValue, redirect: Bool, effects: inout [RuntimeEffect]) {
        guard program.hasPage(name) else {
            effects.append(.runtimeError(code: "runtime.unknown-page", message: "page '\(name)' does not exist"))
            return
        }
        if redirect, let current = stack.last {
            runHook(.unload, on: current.id, effects: &effects)
            stack.removeLast()
        }
        push(name, query: query, hidePrevious: !redirect, effects: &effects)
    }
}

/// Counts layouts across copies of a runtime (a reference, so the count survives the value's copies).
final class LayoutCounter: Sendable {
    let count = Atomic<Int>(0)
}
