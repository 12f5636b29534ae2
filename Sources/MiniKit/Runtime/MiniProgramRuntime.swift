import Foundation

/// A running mini-program, headless: a page stack, handlers, rendering into cells, and the sandbox.
///
/// The Elm shape: inputs and host answers go in (``handle(_:)``, ``complete(_:with:)``, ``answerConsent(_:granted:)``,
/// ``answerModal(_:confirmed:)``), state changes, and effects come out for the host to perform. The host
/// never runs mini-program code, and the mini-program reaches nothing but through effects that MiniKit
/// has checked against the manifest and the ``SandboxPolicy``.
public struct MiniProgramRuntime: Sendable {
    public let program: MiniProgram
    public private(set) var policy: SandboxPolicy
    let storage: any MiniStorage
    public private(set) var stack: [PageInstance] = []
    public var width: Int
    public var height: Int
    private var nextPageID = 1
    private var nextCallID = 1
    private var pending: [CallID: Continuation] = [:]
    private var reportedIssues = Set<String>()
    /// Actions left for the current input or host answer, across every handler and hook it runs.
    private var actionsLeft = MiniKitLimits.maximumActionsPerRun
    /// How deeply hooks run inside navigations started by other hooks.
    private var hookNesting = 0

    public init(
        program: MiniProgram, policy: SandboxPolicy, storage: any MiniStorage, width: Int = 80, height: Int = 24
    ) {
        self.program = program
        self.policy = policy
        self.storage = storage
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
        guard program.pages[name] != nil else {
            return [.runtimeError(code: "runtime.unknown-page", message: "page '\(name)' does not exist")]
        }
        push(name, query: query, effects: &effects)
        settle(&effects)
        return effects
    }

    private mutating func push(
        _ name: String, query: MiniValue, hidePrevious: Bool = true, effects: inout [RuntimeEffect]
    ) {
        guard let page = program.pages[name] else {
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

    private mutating func pop(effects: inout [RuntimeEffect]) {
        guard let current = stack.last else { return }
        runHook(.unload, on: current.id, effects: &effects)
        stack.removeLast()
        if let previous = stack.last {
            runHook(.show, on: previous.id, effects: &effects)
        } else {
            effects.append(.close)
        }
    }

    private mutating func runHook(_ hook: LifecycleHook, on pageID: Int, effects: inout [RuntimeEffect]) {
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

    private static let maximumHookNesting = 16

    /// Every public entry point gives the work it causes one action budget.
    private mutating func beginEntry() { actionsLeft = MiniKitLimits.maximumActionsPerRun }

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
        let layout = self.layout(top)
        let targets = layout.focusables
        guard !targets.isEmpty else { return effects }
        let index = targets.firstIndex { $0.identity == top.focus } ?? 0
        let target = targets[index]
        switch input {
        case .focusNext, .focusPrevious:
            let next = input == .focusNext ? min(targets.count - 1, index + 1) : max(0, index - 1)
            // The first key only shows where focus is, when nothing was focused yet.
            updateTop {
                $0.focus = top.focus == nil ? targets[index].identity : targets[next].identity
                $0.returnFocus = nil
            }
        case .activate:
            updateTop {
                $0.focus = target.identity
                $0.returnFocus = nil
            }
            activate(target.node, effects: &effects)
        case .left, .right:
            guard target.node.kind == .picker, case .array(let options)? = target.node.properties["range"],
                !options.isEmpty
            else { break }
            let current = target.node.int("value", default: 0, in: 0...(options.count - 1))
            let next = input == .right ? (current + 1) % options.count : (current - 1 + options.count) % options.count
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

    private static func accepts(_ character: Character, type: String) -> Bool {
        guard !character.isNewline, character.unicodeScalars.allSatisfy({ $0.value >= 0x20 }) else { return false }
        switch type {
        case "digit": return character.isASCII && character.isNumber
        case "number": return character.isASCII && (character.isNumber || character == "." || character == "-")
        case "idcard": return character.isASCII && (character.isNumber || character == "X" || character == "x")
        default: return true
        }
    }

    private mutating func edit(_ target: FocusTarget, _ value: String, effects: inout [RuntimeEffect]) {
        if target.node.properties["value"] == nil {
            updateTop { $0.inputOverrides[target.identity] = value }
        }
        fire("input", on: target.node, value: .string(value), effects: &effects)
    }

    private mutating func activate(_ node: ViewNode, effects: inout [RuntimeEffect]) {
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

    private mutating func fire(_ event: String, on node: ViewNode, value: MiniValue?, effects: inout [RuntimeEffect]) {
        guard let top = stack.last, let handlerName = node.events[event],
            let handler = top.page.logic.handlers[handlerName]
        else { return }
        var eventValue: [String: MiniValue] = ["type": .string(event), "dataset": .object(node.dataset)]
        if let value { eventValue["value"] = value }
        run(
            [HandlerFrame(actions: handler.body, locals: ["event": .object(eventValue)])], page: top.id,
            effects: &effects)
    }

    private mutating func navigate(to name: String, query: MiniValue, redirect: Bool, effects: inout [RuntimeEffect]) {
        guard program.pages[name] != nil else {
            effects.append(.runtimeError(code: "runtime.unknown-page", message: "page '\(name)' does not exist"))
            return
        }
        if redirect, let current = stack.last {
            runHook(.unload, on: current.id, effects: &effects)
            stack.removeLast()
        }
        push(name, query: query, hidePrevious: !redirect, effects: &effects)
    }

    // MARK: Host answers

    /// Resumes the handler waiting for `id` with the host's result (success) or error (the fail branch).
    public mutating func complete(_ id: CallID, with result: Result<MiniValue, BridgeError>) -> [RuntimeEffect] {
        beginEntry()
        var effects: [RuntimeEffect] = []
        guard case .apiResult(let page, let call, var frames, let locals)? = pending.removeValue(forKey: id) else {
            return effects
        }
        guard instance(page) != nil else { return effects }  // the page closed meanwhile: nobody to tell
        var result = result
        if case .success(let value) = result, value.nests(deeperThan: MiniValue.maximumDepth) {
            result = .failure(
                BridgeError(
                    code: "failed", message: "the host's answer nests deeper than \(MiniValue.maximumDepth) levels"))
        }
        switch result {
        case .success(let value):
            frames.append(HandlerFrame(actions: call.success, locals: locals.merging(["result": value]) { $1 }))
        case .failure(let error):
            frames.append(HandlerFrame(actions: call.failure, locals: locals.merging(["error": error.value]) { $1 }))
        }
        run(frames, page: page, effects: &effects)
        settle(&effects)
        return effects
    }

    /// The user's answer to a consent request; it is remembered until revoked.
    public mutating func answerConsent(_ id: CallID, granted: Bool) -> [RuntimeEffect] {
        beginEntry()
        var effects: [RuntimeEffect] = []
        guard
            case .consent(let page, let call, let arguments, var frames, let locals)? = pending.removeValue(forKey: id)
        else { return effects }
        if let scope = call.api.scope { policy.consents[scope] = granted }
        guard instance(page) != nil else { return effects }
        if granted {
            if perform(call, arguments: arguments, frames: &frames, locals: locals, page: page, effects: &effects) {
                settle(&effects)
                return effects  // now waiting for the host's answer to the call itself
            }
        } else {
            refuse(
                call,
                BridgeError(
                    code: "consent-denied", message: "the user did not allow \(call.api.scope?.rawValue ?? "")"),
                frames: &frames, locals: locals, effects: &effects)
        }
        run(frames, page: page, effects: &effects)
        settle(&effects)
        return effects
    }

    /// The user's answer to a modal.
    public mutating func answerModal(_ id: CallID, confirmed: Bool) -> [RuntimeEffect] {
        beginEntry()
        var effects: [RuntimeEffect] = []
        guard case .modal(let page, let confirm, let cancel, var frames, let locals)? = pending.removeValue(forKey: id)
        else { return effects }
        guard instance(page) != nil else { return effects }
        frames.append(HandlerFrame(actions: confirmed ? confirm : cancel, locals: locals))
        run(frames, page: page, effects: &effects)
        settle(&effects)
        return effects
    }

    /// Replaces the top page (tests and hosts restoring state).
    mutating func replaceTop(_ page: PageInstance) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1] = page
    }

    /// Forgets a consent answer: the next call asks again.
    public mutating func revokeConsent(_ scope: HostAPI.Scope) { setConsent(scope, granted: nil) }

    /// The user changed a remembered answer elsewhere (the host's settings): granted, denied, or nil to ask again.
    public mutating func setConsent(_ scope: HostAPI.Scope, granted: Bool?) { policy.consents[scope] = granted }

    // MARK: Running handlers

    private func instance(_ id: Int) -> PageInstance? { stack.first { $0.id == id } }

    private mutating func updatePage(_ id: Int, _ change: (inout PageInstance) -> Void) {
        guard let index = stack.firstIndex(where: { $0.id == id }) else { return }
        change(&stack[index])
    }

    private mutating func updateTop(_ change: (inout PageInstance) -> Void) {
        guard !stack.isEmpty else { return }
        change(&stack[stack.count - 1])
    }

    private func scope(_ page: PageInstance, _ locals: [String: MiniValue]) -> Scope {
        Scope(["query": page.query]).pushing(page.data).pushing(locals)
    }

    /// Runs frames until they finish or a call suspends them.
    private mutating func run(_ initial: [HandlerFrame], page pageID: Int, effects: inout [RuntimeEffect]) {
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

    private func location(_ page: PageInstance, _ range: SourceRange) -> String {
        guard let file = page.page.logicFile else { return page.page.markup.path }
        let (line, column) = file.location(of: range.lowerBound)
        return "\(file.path):\(line):\(column)"
    }

    private mutating func newCallID() -> CallID {
        defer { nextCallID += 1 }
        return CallID(rawValue: nextCallID)
    }

    /// Checks the sandbox rules; returns true when the handler must wait for the host.
    private mutating func beginCall(
        _ call: APICall, arguments: MiniValue, frames: inout [HandlerFrame], locals: [String: MiniValue], page: Int,
        effects: inout [RuntimeEffect]
    ) -> Bool {
        if let scope = call.api.scope {
            guard program.manifest.declaredScopes.contains(scope) else {
                refuse(
                    call,
                    BridgeError(
                        code: "scope-not-declared",
                        message:
                            "\(call.api.rawValue) needs the '\(scope.rawValue)' scope, which the manifest does not declare"
                    ), frames: &frames, locals: locals, effects: &effects)
                return false
            }
            guard policy.grantedScopes.contains(scope) else {
                refuse(
                    call,
                    BridgeError(
                        code: "scope-not-granted", message: "the host has not granted the '\(scope.rawValue)' scope"),
                    frames: &frames, locals: locals, effects: &effects)
                return false
            }
            if scope.isSensitive {
                switch policy.consents[scope] {
                case false?:
                    refuse(
                        call, BridgeError(code: "consent-denied", message: "the user did not allow \(scope.rawValue)"),
                        frames: &frames, locals: locals, effects: &effects)
                    return false
                case nil:
                    let id = newCallID()
                    let reason = program.manifest.permissions.first { $0.scope == scope }?.reason ?? ""
                    effects.append(.requestConsent(id, scope: scope, reason: reason))
                    pending[id] = .consent(page: page, call: call, arguments: arguments, frames: frames, locals: locals)
                    return true
                case true?:
                    break
                }
            }
        }
        return perform(call, arguments: arguments, frames: &frames, locals: locals, page: page, effects: &effects)
    }

    /// Performs an allowed call: at once for local APIs, through an effect for the host's.
    @discardableResult
    private mutating func perform(
        _ call: APICall, arguments: MiniValue, frames: inout [HandlerFrame], locals: [String: MiniValue], page: Int,
        effects: inout [RuntimeEffect]
    ) -> Bool {
        func succeed(_ value: MiniValue, _ detail: String = "") {
            effects.append(
                .audit(AuditRecord(appId: program.manifest.id, api: call.api, outcome: "allowed", detail: detail)))
            frames.append(HandlerFrame(actions: call.success, locals: locals.merging(["result": value]) { $1 }))
        }
        func wait(_ effect: (CallID) -> RuntimeEffect, _ detail: String) -> Bool {
            let id = newCallID()
            effects.append(
                .audit(AuditRecord(appId: program.manifest.id, api: call.api, outcome: "allowed", detail: detail)))
            effects.append(effect(id))
            pending[id] = .apiResult(page: page, call: call, frames: frames, locals: locals)
            return true
        }
        func invalid(_ message: String) -> Bool {
            refuse(
                call, BridgeError(code: "invalid-arguments", message: message), frames: &frames, locals: locals,
                effects: &effects)
            return false
        }
        switch call.api {
        case .storageGet:
            guard case .string(let key)? = arguments["key"] else { return invalid("storage.get needs a text 'key'") }
            succeed(.object(["value": storage.value(for: key) ?? .null]), key)
        case .storageSet:
            guard case .string(let key)? = arguments["key"] else { return invalid("storage.set needs a text 'key'") }
            let value = arguments["value"] ?? .null
            guard !value.nests(deeperThan: MiniValue.maximumDepth) else {
                return invalid("storage.set: the value nests deeper than \(MiniValue.maximumDepth) levels")
            }
            let old = storage.value(for: key)
            let after =
                storage.usedBytes() - (old.map { key.utf8.count + $0.approximateSize } ?? 0) + key.utf8.count
                + value.approximateSize
            guard after <= policy.storageQuota else {
                refuse(
                    call,
                    BridgeError(
                        code: "quota-exceeded",
                        message: "storing '\(key)' would use \(after) bytes, over the quota of \(policy.storageQuota)"),
                    frames: &frames, locals: locals, effects: &effects)
                return false
            }
            storage.setValue(value, for: key)
            succeed(.object([:]), key)
        case .storageRemove:
            guard case .string(let key)? = arguments["key"] else { return invalid("storage.remove needs a text 'key'") }
            storage.setValue(nil, for: key)
            succeed(.object([:]), key)
        case .storageClear:
            storage.removeAll()
            succeed(.object([:]))
        case .systemInfo:
            succeed(
                .object([
                    "width": .number(Double(width)), "height": .number(Double(height)),
                    "language": .string(policy.language), "hostVersion": .string(policy.hostVersion),
                ]))
        case .userOpenId:
            succeed(.object(["openId": .string(policy.openId)]))
        case .networkRequest:
            guard case .string(let url)? = arguments["url"] else {
                return invalid("network.request needs a text 'url'")
            }
            guard let host = Self.httpsHost(url) else {
                refuse(
                    call, BridgeError(code: "domain-not-allowed", message: "'\(url)' is not an https URL"),
                    frames: &frames, locals: locals, effects: &effects)
                return false
            }
            guard program.manifest.domains.contains(host), policy.grantedDomains.contains(host) else {
                let why =
                    program.manifest.domains.contains(host)
                    ? "the host has not granted it" : "the manifest does not declare it"
                refuse(
                    call,
                    BridgeError(code: "domain-not-allowed", message: "requests to '\(host)' are not allowed: \(why)"),
                    frames: &frames, locals: locals, effects: &effects)
                return false
            }
            var headers: [String: String] = [:]
            if case .object(let given)? = arguments["headers"] {
                for (key, value) in given { headers[key] = value.displayText }
            }
            let method = arguments["method"]?.displayText.uppercased() ?? "GET"
            guard ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(method) else {
                return invalid("method '\(method)' is not GET, POST, PUT, DELETE or PATCH")
            }
            return wait(
                {
                    .network(
                        $0,
                        NetworkRequest(
                            url: url, host: host, method: method, headers: headers, body: arguments["body"] ?? .null))
                }, "\(method) \(url)")
        case .paymentRequest:
            guard case .number(let amount)? = arguments["amount"], amount > 0, amount.isFinite else {
                return invalid("payment.request needs a positive 'amount'")
            }
            let request = PaymentRequest(
                amount: (amount * 100).rounded() / 100, currency: arguments["currency"]?.displayText ?? "CNY",
                payee: arguments["payee"]?.displayText ?? program.manifest.name,
                description: arguments["description"]?.displayText ?? "")
            return wait({ .confirmPayment($0, request) }, "\(request.currency) \(request.amount) to \(request.payee)")
        case .userProfile, .userPhone, .locationGet:
            return wait({ .hostData($0, call.api) }, "")
        }
        return false
    }

    private func refuse(
        _ call: APICall, _ error: BridgeError, frames: inout [HandlerFrame], locals: [String: MiniValue],
        effects: inout [RuntimeEffect]
    ) {
        effects.append(
            .audit(AuditRecord(appId: program.manifest.id, api: call.api, outcome: error.code, detail: error.message)))
        frames.append(HandlerFrame(actions: call.failure, locals: locals.merging(["error": error.value]) { $1 }))
    }

    /// The host of an `https://host[:port]/…` URL, lowercased; nil for anything else.
    static func httpsHost(_ url: String) -> String? {
        guard url.lowercased().hasPrefix("https://") else { return nil }
        let rest = url.dropFirst(8)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return nil }  // no credentials: 'https://good@evil' must not pass
        let host = authority.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        return host.isEmpty ? nil : host.lowercased()
    }

    /// One step of a `set` path, with list positions already evaluated in the handler's scope.
    private enum PathStep {
        case key(String)
        case position(Double, SourceRange)
    }

    /// Sets `data[path] = value`. Index expressions are evaluated in the handler's scope (so `event`,
    /// `result` and `query` work in them); missing objects along the path are created.
    static func assign(_ value: MiniValue, to target: Expression, in data: inout [String: MiniValue], scope: Scope)
        throws(EvaluationError)
    {
        var steps: [PathStep] = []
        var node = target
        walk: while true {
            switch node {
            case .identifier(let name, _):
                steps.append(.key(name))
                break walk
            case .member(let base, let name, _):
                steps.append(.key(name))
                node = base
            case .index(let base, let indexExpression, let range):
                switch try ExpressionEvaluator.evaluate(indexExpression, in: scope) {
                case .number(let position): steps.append(.position(position, range))
                case .string(let key): steps.append(.key(key))
                case let other: throw EvaluationError(.type, "cannot index with \(other.kindName)", range)
                }
                node = base
            default:
                throw EvaluationError(.type, "cannot set this expression", node.range)
            }
        }
        var root = MiniValue.object(data)
        try apply(value, steps.reversed()[...], to: &root, range: target.range)
        if case .object(let members) = root { data = members }
    }

    private static func apply(
        _ value: MiniValue, _ steps: ArraySlice<PathStep>, to container: inout MiniValue, range: SourceRange
    )
        throws(EvaluationError)
    {
        guard let step = steps.first else {
            container = value
            return
        }
        switch step {
        case .key(let key):
            var members: [String: MiniValue]
            switch container {
            case .object(let existing): members = existing
            case .null: members = [:]
            default: throw EvaluationError(.type, "cannot set '\(key)' in \(container.kindName)", range)
            }
            var child = members[key] ?? .null
            members[key] = nil  // keep the child uniquely referenced while it changes
            try apply(value, steps.dropFirst(), to: &child, range: range)
            members[key] = child
            container = .object(members)
        case .position(let position, let stepRange):
            guard case .array(var items) = container else {
                throw EvaluationError(.type, "cannot set an element of \(container.kindName) by position", stepRange)
            }
            guard let index = position.index(in: items.count) else {
                throw EvaluationError(
                    .type, "index \(MiniValue.format(position)) is outside the list of \(items.count)", stepRange)
            }
            var child = items[index]
            items[index] = .null
            try apply(value, steps.dropFirst(), to: &child, range: range)
            items[index] = child
            container = .array(items)
        }
    }

    // MARK: Rendering

    /// Evaluates and lays out a page.
    func layout(_ page: PageInstance) -> LayoutEngine {
        var builder = ViewBuilder(page: page.page)
        let nodes = builder.build(data: page.data, query: page.query)
        var engine = LayoutEngine(width: width, focused: page.focus, inputOverrides: page.inputOverrides)
        engine.layout(nodes)
        return engine
    }

    /// After state changes: put focus on something that exists, scroll it into view, report new render problems.
    private mutating func settle(_ effects: inout [RuntimeEffect]) {
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
        updateTop {
            $0.focus = focus
            $0.returnFocus = returnFocus
            $0.scroll = scroll
        }
    }

    /// The visible part of the current page: `width × height` cells.
    public func screen() -> CellBuffer {
        guard let top = stack.last else { return CellBuffer(width: width, height: height) }
        return layout(top).buffer.slice(from: top.scroll, count: height)
    }

    /// Changes the viewport (the host's container area was resized).
    public mutating func resize(width: Int, height: Int) {
        self.width = max(1, width)
        self.height = max(1, height)
        var effects: [RuntimeEffect] = []
        settle(&effects)
    }
}
