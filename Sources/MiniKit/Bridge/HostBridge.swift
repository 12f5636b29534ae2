import MiniSupport

/// What a host implements so a mini-program can run in it. MiniKit calls it only for requests that passed
/// the sandbox rules (declared and granted scope, consent, allowed domain, quota), and tells it about every
/// call, allowed or refused, through ``audit(_:)``.
public protocol HostBridge: Sendable {
    /// Ask the user for a sensitive scope; the answer is remembered by the runtime until revoked.
    func consent(to scope: HostAPI.Scope, reason: String, app: Manifest) async -> Bool
    /// Confirm a payment with the user (the host's PIN entry). Success carries `{transactionId}`.
    func confirmPayment(_ request: PaymentRequest, app: Manifest) async -> Result<MiniValue, BridgeError>
    /// Perform a request to an allowed host. Success carries `{status, body}`.
    func send(_ request: NetworkRequest) async -> Result<MiniValue, BridgeError>
    /// user.profile, user.phone, location.get.
    func hostData(_ api: HostAPI, app: Manifest) async -> Result<MiniValue, BridgeError>
    func showToast(_ message: String) async
    /// Returns true for confirm.
    func showModal(title: String, content: String, confirmText: String, cancelText: String?) async -> Bool
    func audit(_ record: AuditRecord) async
    func report(code: String, message: String) async
    /// The mini-program left its first page.
    func close() async
    /// Persists a change the mini-program made to its storage (the runtime already works with it).
    func persist(_ change: StorageChange) async
}

/// Runs a runtime's effects against a ``HostBridge`` until nothing is pending.
public enum BridgeDriver {
    /// Performs `effects` in order, feeding every answer back into `runtime`, and the effects that causes.
    ///
    /// `isOpen` is asked before each effect and after each answer: once the host has closed the mini-program
    /// (the user left, or a recall), none of its handlers runs again, and what it still asked for is dropped.
    public static func drain(
        _ effects: [RuntimeEffect], runtime: inout MiniProgramRuntime, bridge: some HostBridge,
        isOpen: () -> Bool = { true }
    ) async {
        var queue = effects[...]
        let manifest = runtime.program.manifest
        while isOpen(), let effect = queue.popFirst() {
            // The host's answer, handed to the runtime only if the mini-program is still open once it came.
            let answer: ((inout MiniProgramRuntime) -> [RuntimeEffect])?
            switch effect {
            case .toast(let message):
                await bridge.showToast(message)
                answer = nil
            case .modal(let id, let title, let content, let confirmText, let cancelText):
                let confirmed = await bridge.showModal(
                    title: title, content: content, confirmText: confirmText, cancelText: cancelText)
                answer = { $0.answerModal(id, confirmed: confirmed) }
            case .requestConsent(let id, let scope, let reason):
                let granted = await bridge.consent(to: scope, reason: reason, app: manifest)
                answer = { $0.answerConsent(id, granted: granted) }
            case .confirmPayment(let id, let request):
                let result = await bridge.confirmPayment(request, app: manifest)
                answer = { $0.complete(id, with: result) }
            case .network(let id, let request):
                let result = await bridge.send(request)
                answer = { $0.complete(id, with: result) }
            case .hostData(let id, let api):
                let result = await bridge.hostData(api, app: manifest)
                answer = { $0.complete(id, with: result) }
            case .audit(let record):
                await bridge.audit(record)
                answer = nil
            case .storage(let change):
                await bridge.persist(change)
                answer = nil
            case .close:
                await bridge.close()
                answer = nil
            case .runtimeError(let code, let message):
                await bridge.report(code: code, message: message)
                answer = nil
            }
            guard let answer else { continue }
            guard isOpen() else { return }
            queue.append(contentsOf: answer(&runtime))
        }
    }
}
