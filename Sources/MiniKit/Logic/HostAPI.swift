/// The host APIs a mini-program can call: the only way out of the sandbox.
public enum HostAPI: String, Sendable, Hashable, CaseIterable, Codable {
    case storageGet = "storage.get"
    case storageSet = "storage.set"
    case storageRemove = "storage.remove"
    case storageClear = "storage.clear"
    case networkRequest = "network.request"
    case userProfile = "user.profile"
    case userPhone = "user.phone"
    case userOpenId = "user.openId"
    case locationGet = "location.get"
    case paymentRequest = "payment.request"
    case systemInfo = "system.info"

    /// The scope a mini-program must declare (and the catalog grant) to call it; nil when none is needed.
    public var scope: Scope? {
        switch self {
        case .storageGet, .storageSet, .storageRemove, .storageClear: return .storage
        case .networkRequest: return .network
        case .userProfile: return .userInfo
        case .userPhone: return .phoneNumber
        case .userOpenId: return .openId
        case .locationGet: return .location
        case .paymentRequest: return .payment
        case .systemInfo: return nil
        }
    }

    /// A permission scope.
    public enum Scope: String, Sendable, Hashable, CaseIterable, Codable {
        case storage, network, userInfo, phoneNumber, openId, location, payment

        /// Sensitive scopes ask the user once (remembered, revocable) before the first call.
        public var isSensitive: Bool { [.userInfo, .phoneNumber, .location].contains(self) }
    }
}
