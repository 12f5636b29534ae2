import Foundation
import MiniSupport

/// The host's answers: results of calls, consent, modals.
extension MiniProgramRuntime {
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
}
