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
}

/// Runs a runtime's effects against a ``HostBridge`` until nothing is pending.
public enum BridgeDriver {
    /// Performs `effects` in order, feeding every answer back into `runtime`, and the effects that causes.
    public static func drain(_ effects: [RuntimeEffect], runtime: inout MiniProgramRuntime, bridge: some HostBridge)
        async
    {
        var queue = effects[...]
        let manifest = runtime.program.manifest
        while let effect = queue.popFirst() {
            var more: [RuntimeEffect] = []
            switch effect {
            case .toast(let message): await bridge.showToast(message)
            case .modal(let id, let title, let content, let confirmText, let cancelText):
                let confirmed = await bridge.showModal(
                    title: title, content: content, confirmText: confirmText, cancelText: cancelText)
                more = runtime.answerModal(id, confirmed: confirmed)
            case .requestConsent(let id, let scope, let reason):
                more = runtime.answerConsent(
                    id, granted: await bridge.consent(to: scope, reason: reason, app: manifest))
            case .confirmPayment(let id, let request):
                more = runtime.complete(id, with: await bridge.confirmPayment(request, app: manifest))
            case .network(let id, let request):
                more = runtime.complete(id, with: await bridge.send(request))
            case .hostData(let id, let api):
                more = runtime.complete(id, with: await bridge.hostData(api, app: manifest))
            case .audit(let record): await bridge.audit(record)
            case .close: await bridge.close()
            case .runtimeError(let code, let message): await bridge.report(code: code, message: message)
            }
            queue.append(contentsOf: more)
        }
    }
}
