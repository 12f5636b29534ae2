import Foundation
import MiniSupport

/// The sandbox gate and the host APIs MiniKit answers itself (storage, system info, the open id).
extension MiniProgramRuntime {
    mutating func newCallID() -> CallID {
        defer { nextCallID += 1 }
        return CallID(rawValue: nextCallID)
    }

    /// Checks the sandbox rules; returns true when the handler must wait for the host.
    mutating func beginCall(
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
    mutating func perform(
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
            succeed(.object(["value": storage[key] ?? .null]), key)
        case .storageSet:
            guard case .string(let key)? = arguments["key"] else { return invalid("storage.set needs a text 'key'") }
            let value = arguments["value"] ?? .null
            guard !value.nests(deeperThan: MiniValue.maximumDepth) else {
                return invalid("storage.set: the value nests deeper than \(MiniValue.maximumDepth) levels")
            }
            let old = storage[key]
            let after =
                Self.usedBytes(storage) - (old.map { key.utf8.count + $0.approximateSize } ?? 0) + key.utf8.count
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
            storage[key] = value
            effects.append(.storage(.set(key: key, value: value)))
            succeed(.object([:]), key)
        case .storageRemove:
            guard case .string(let key)? = arguments["key"] else { return invalid("storage.remove needs a text 'key'") }
            storage[key] = nil
            effects.append(.storage(.remove(key: key)))
            succeed(.object([:]), key)
        case .storageClear:
            storage.removeAll()
            effects.append(.storage(.clear))
            succeed(.object([:]))
        case .systemInfo:
            succeed(
                .object([
                    "width": .number(Double(width)), "height": .number(Double(height)),
                    "language": .string(policy.language), "hostVersion": .string(policy.hostVersion),
                ]))
        case .userOpenId:
            guard let openId = policy.openId else {
                refuse(
                    call, BridgeError(code: "unavailable", message: "the catalog carries no openId for this user"),
                    frames: &frames, locals: locals, effects: &effects)
                return false
            }
            succeed(.object(["openId": .string(openId)]))
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
                    frames: &frames, locals: locals, effects: &effects, target: host)
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

    func refuse(
        _ call: APICall, _ error: BridgeError, frames: inout [HandlerFrame], locals: [String: MiniValue],
        effects: inout [RuntimeEffect], target: String? = nil
    ) {
        effects.append(
            .audit(
                AuditRecord(
                    appId: program.manifest.id, api: call.api, outcome: error.code, detail: error.message,
                    target: target)))
        frames.append(HandlerFrame(actions: call.failure, locals: locals.merging(["error": error.value]) { $1 }))
    }

    /// Bytes a storage uses, measured as JSON of its keys and values: the quota's measure.
    static func usedBytes(_ storage: [String: MiniValue]) -> Int {
        storage.reduce(0) { $0 + $1.key.utf8.count + $1.value.approximateSize }
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
}
