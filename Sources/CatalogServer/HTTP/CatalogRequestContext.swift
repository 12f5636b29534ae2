import CatalogAPI
import HTTPTypes
import Hummingbird

/// The request context of the API: Hummingbird's core, the account or device the bearer token names, and the
/// peer's address (for rate limits).
public struct CatalogRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthenticationMiddleware`` on `/v1/` routes for an account's token (`mct_…`).
    public var account: Account?
    /// Set by ``AuthenticationMiddleware`` on `/v1/` routes for an enrolled device's token (`mdt_…`).
    public var device: Device?
    /// The peer's IP address, when the connection has one.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Where a balancer says its client connected from (nginx: `proxy_set_header X-Real-IP $remote_addr`).
    public static let realAddressHeader = HTTPField.Name("X-Real-IP")!

    /// The client's address: the peer's, or — when the peer is a trusted balancer that names a well-formed
    /// address — the one it names. Anyone else's `X-Real-IP` is ignored (it could name any address).
    func clientAddress(_ request: Request, trusting proxies: Set<String>) -> String? {
        guard let peer = remoteAddress, proxies.contains(peer),
            let named = request.headers[Self.realAddressHeader], IPAddressText.isValid(named)
        else { return remoteAddress }
        return named
    }

    /// The signed-in account, or a 401 problem.
    func requireAccount() throws -> Account {
        guard let account else {
            throw ProblemError(
                .unauthorized, code: .unauthorized,
                detail: "send 'Authorization: Bearer TOKEN' (minictl login saves one)")
        }
        return account
    }

    /// The signed-in account when its role operates the platform, or a 403 problem.
    func requireOperator(to action: String) throws -> Account {
        let account = try requireAccount()
        guard account.role.operates else {
            throw ProblemError(
                .forbidden, code: .forbidden,
                detail: "only ops and admin accounts may \(action); '\(account.id)' is \(account.role)")
        }
        return account
    }

    /// The enrolled device making the request, which must belong to host app `hostId`, or a 401/403 problem.
    func requireDevice(of hostId: String) throws -> Device {
        guard let device else {
            throw ProblemError(
                .unauthorized, code: .unauthorized,
                detail:
                    "shells send their device token as 'Authorization: Bearer mdt_…'; enrol first with the host key (POST /v1/hosts/\(hostId)/devices)"
            )
        }
        guard device.hostId == hostId else {
            throw ProblemError(
                .forbidden, code: .forbidden,
                detail: "device '\(device.id)' is enrolled with host app '\(device.hostId)', not '\(hostId)'")
        }
        return device
    }
}
