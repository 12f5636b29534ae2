import CatalogAPI
import Hummingbird

/// The request context of the management API: Hummingbird's core, plus the account the bearer token names.
public struct CatalogRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthenticationMiddleware`` on `/v1/` routes.
    public var account: Account?

    public init(source: Source) {
        coreContext = .init(source: source)
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
}
