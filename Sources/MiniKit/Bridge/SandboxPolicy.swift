import MiniSupport

/// What the host allows this launch of a mini-program: the catalog's grants and the user's remembered answers.
public struct SandboxPolicy: Sendable, Hashable {
    /// Scopes the catalog granted. A call needs its scope declared in the manifest *and* granted here.
    public var grantedScopes: Set<HostAPI.Scope>
    /// Hosts the catalog granted for network requests (default deny). A request also needs the host in the
    /// manifest's domains.
    public var grantedDomains: Set<String>
    /// Remembered consent answers for sensitive scopes; absent means "ask".
    public var consents: [HostAPI.Scope: Bool]
    /// The user's id for this mini-program, as the signed catalog carries it (the server derives it with a
    /// secret the shell never holds); nil when the catalog carries none, and `user.openId` then fails.
    public var openId: String?
    public var storageQuota: Int
    public var language: String
    public var hostVersion: String

    public init(
        grantedScopes: Set<HostAPI.Scope>, grantedDomains: Set<String>, consents: [HostAPI.Scope: Bool] = [:],
        openId: String?, storageQuota: Int = MiniKitLimits.defaultStorageQuota, language: String = "en",
        hostVersion: String = "7.3.0"
    ) {
        self.grantedScopes = grantedScopes
        self.grantedDomains = grantedDomains
        self.consents = consents
        self.openId = openId
        self.storageQuota = storageQuota
        self.language = language
        self.hostVersion = hostVersion
    }
}

/// Identifies one pending host request of a running mini-program.
public struct CallID: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int
    public var description: String { "#\(rawValue)" }
}

/// A payment the mini-program asks for. The host confirms it with the user (PIN) and answers only with
/// success or failure; the mini-program never sees the PIN or the account.
public struct PaymentRequest: Sendable, Hashable {
    public var amount: Double
    public var currency: String
    public var payee: String
    public var description: String
}

/// An outgoing request, already checked against the declared and granted domains.
public struct NetworkRequest: Sendable, Hashable {
    public var url: String
    public var host: String
    public var method: String
    public var headers: [String: String]
    public var body: MiniValue
}

/// A refusal or failure given to the handler's `fail` branch as `error` (`{code, message}`).
public struct BridgeError: Error, Sendable, Hashable {
    /// Stable: `scope-not-declared`, `scope-not-granted`, `consent-denied`, `domain-not-allowed`,
    /// `invalid-arguments`, `quota-exceeded`, `cancelled`, `failed`, `locked` (payments, after three wrong PINs),
    /// `network`, `page-closed`.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    var value: MiniValue { .object(["code": .string(code), "message": .string(message)]) }
}

/// What the host is told about every bridge call, for its audit log.
public struct AuditRecord: Sendable, Hashable {
    public var appId: String
    public var api: HostAPI
    /// `allowed`, or the refusal code.
    public var outcome: String
    public var detail: String
    /// The host name a network request went to, when there was one.
    public var target: String?

    public init(appId: String, api: HostAPI, outcome: String, detail: String, target: String? = nil) {
        self.appId = appId
        self.api = api
        self.outcome = outcome
        self.detail = detail
        self.target = target
    }
}

/// Something the host must do for the running mini-program. Requests carry a ``CallID``; the host answers
/// through ``MiniProgramRuntime/complete(_:with:)`` (or the consent and modal answers).
public enum RuntimeEffect: Sendable, Hashable {
    case toast(String)
    case modal(CallID, title: String, content: String, confirmText: String, cancelText: String?)
    case requestConsent(CallID, scope: HostAPI.Scope, reason: String)
    case confirmPayment(CallID, PaymentRequest)
    case network(CallID, NetworkRequest)
    /// user.profile, user.phone, location.get: data only the host has.
    case hostData(CallID, HostAPI)
    case audit(AuditRecord)
    /// A change to the mini-program's storage, already applied to the runtime's copy: the host persists it.
    case storage(StorageChange)
    /// The mini-program went back from its first page: the host closes the container.
    case close
    /// A problem the partner should see (a failing binding, a limit hit); the mini-program keeps running.
    case runtimeError(code: String, message: String)
}
