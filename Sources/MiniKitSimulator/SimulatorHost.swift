import Foundation
import MiniKit
import MiniSupport

/// A scripted host: answers consent as told, accepts or declines payments, replies to requests from
/// canned fixtures, and records every bridge call — the partner's simulator and MiniKit's test double.
public actor SimulatorHost: HostBridge {
    /// One thing the host was asked to do or told, in order.
    public enum Event: Sendable, Hashable, CustomStringConvertible {
        case toast(String)
        case modal(title: String, content: String, confirmed: Bool)
        case consent(HostAPI.Scope, granted: Bool)
        case payment(PaymentRequest, succeeded: Bool)
        case request(NetworkRequest, found: Bool)
        case hostData(HostAPI)
        case audit(AuditRecord)
        case error(code: String, message: String)
        case closed

        public var description: String {
            switch self {
            case .toast(let message): return "toast: \(message)"
            case .modal(let title, let content, let confirmed):
                return "modal: \(title) — \(content) [\(confirmed ? "OK" : "Cancel")]"
            case .consent(let scope, let granted): return "consent: \(scope.rawValue) \(granted ? "granted" : "denied")"
            case .payment(let request, let succeeded):
                return
                    "payment: \(request.currency) \(String(format: "%.2f", request.amount)) to \(request.payee) \(succeeded ? "confirmed with PIN" : "declined")"
            case .request(let request, let found):
                return "request: \(request.method) \(request.url)\(found ? "" : " (no fixture: failed)")"
            case .hostData(let api): return "host data: \(api.rawValue)"
            case .audit(let record):
                return
                    "audit: \(record.api.rawValue) \(record.outcome)\(record.detail.isEmpty ? "" : " — \(record.detail)")"
            case .error(let code, let message): return "error [\(code)]: \(message)"
            case .closed: return "closed"
            }
        }
    }

    public private(set) var events: [Event] = []
    private let consentAnswers: [HostAPI.Scope: Bool]
    private let paymentsSucceed: Bool
    private let modalAnswer: Bool
    /// `"METHOD URL"` or `"URL"` → the response body.
    private let fixtures: [String: MiniValue]
    private let profile: MiniValue
    /// Where the mini-program's storage lives (in memory unless given): the runtime starts from it, and the
    /// changes it makes are persisted here.
    public nonisolated let storage: any MiniStorage
    /// The openId the previewed mini-program sees: random per preview, like a user it has never met (the real
    /// one comes from the signed catalog).
    public nonisolated let openId: String

    public init(
        consentAnswers: [HostAPI.Scope: Bool] = [:], paymentsSucceed: Bool = true, modalAnswer: Bool = true,
        fixtures: [String: MiniValue] = [:],
        profile: MiniValue = [
            "nickname": "Li Wei", "avatar": "", "phone": "13812345678", "latitude": 31.2304, "longitude": 121.4737,
            "city": "Shanghai",
        ],
        storage: any MiniStorage = InMemoryStorage(),
        openId: String = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    ) {
        self.storage = storage
        self.openId = openId
        self.consentAnswers = consentAnswers
        self.paymentsSucceed = paymentsSucceed
        self.modalAnswer = modalAnswer
        self.fixtures = fixtures
        self.profile = profile
    }

    public func persist(_ change: StorageChange) async {
        storage.apply(change)
    }

    public func consent(to scope: HostAPI.Scope, reason: String, app: Manifest) async -> Bool {
        let granted = consentAnswers[scope] ?? true
        events.append(.consent(scope, granted: granted))
        return granted
    }

    public func confirmPayment(_ request: PaymentRequest, app: Manifest) async -> Result<MiniValue, BridgeError> {
        events.append(.payment(request, succeeded: paymentsSucceed))
        guard paymentsSucceed else {
            return .failure(BridgeError(code: "cancelled", message: "the user cancelled the payment"))
        }
        return .success(["transactionId": .string("T\(events.count)-SIM"), "amount": .number(request.amount)])
    }

    public func send(_ request: NetworkRequest) async -> Result<MiniValue, BridgeError> {
        let body = fixtures["\(request.method) \(request.url)"] ?? fixtures[request.url]
        events.append(.request(request, found: body != nil))
        guard let body else {
            return .failure(
                BridgeError(
                    code: "network",
                    message: "no reply from \(request.host) (no fixture for \(request.method) \(request.url))"))
        }
        return .success(["status": 200, "body": body])
    }

    public func hostData(_ api: HostAPI, app: Manifest) async -> Result<MiniValue, BridgeError> {
        events.append(.hostData(api))
        switch api {
        case .userProfile: return .success(["nickname": profile["nickname"] ?? "", "avatar": profile["avatar"] ?? ""])
        case .userPhone: return .success(["phone": profile["phone"] ?? ""])
        case .locationGet:
            return .success([
                "latitude": profile["latitude"] ?? 0, "longitude": profile["longitude"] ?? 0,
                "city": profile["city"] ?? "",
            ])
        default: return .failure(BridgeError(code: "failed", message: "\(api.rawValue) is not host data"))
        }
    }

    public func showToast(_ message: String) async { events.append(.toast(message)) }

    public func showModal(title: String, content: String, confirmText: String, cancelText: String?) async -> Bool {
        let answer = cancelText == nil ? true : modalAnswer
        events.append(.modal(title: title, content: content, confirmed: answer))
        return answer
    }

    public func audit(_ record: AuditRecord) async { events.append(.audit(record)) }
    public func report(code: String, message: String) async { events.append(.error(code: code, message: message)) }
    public func close() async { events.append(.closed) }
}
