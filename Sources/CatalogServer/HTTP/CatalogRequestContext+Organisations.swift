import Catalog
import CatalogAPI
import Hummingbird

/// What an account may see and do of host apps: the bank's operators every host, a `hostops:ORG` account only
/// its organisation's. Another organisation's host is answered as missing, so its existence is not revealed.
extension CatalogRequestContext {
    /// The ids of the hosts the account may see: nil for every host (operators and the bank's other staff), the
    /// organisation's hosts for `hostops`.
    func visibleHosts(_ store: any CatalogStore) async throws -> Set<String>? {
        guard let organisation = try requireAccount().role.hostOrganisation else { return nil }
        return Set(try await store.hostApps().filter { $0.organisation == organisation }.map(\.id))
    }

    /// The account when it operates the platform or runs an organisation's hosts (`hostops`); a 403 for
    /// reviewers and developers.
    func requireOperatorOrHostops(to action: String) throws -> Account {
        let account = try requireAccount()
        if account.role.hostOrganisation == nil { _ = try requireOperator(to: action) }
        return account
    }

    /// The hosts whose business (devices, complaints, offers) the account may read: nil (every host) for
    /// operators, its organisation's for a `hostops` account; a 403 for reviewers and developers.
    func operatedHosts(_ store: any CatalogStore, to action: String) async throws -> Set<String>? {
        _ = try requireOperatorOrHostops(to: action)
        return try await visibleHosts(store)
    }

    /// The host app named in the path (`:hostId`) when the account may see it, else a 404.
    func visibleHost(_ store: any CatalogStore) async throws -> HostApp {
        let id = parameters.get("hostId") ?? ""
        let account = try requireAccount()
        guard let host = try await store.hostApp(id: id),
            account.role.hostOrganisation.map({ $0 == host.organisation }) ?? true
        else { throw ProblemError.notFound("no host app '\(id)'") }
        return host
    }

    /// The account when it may manage `host` (its keys, devices, users and brand): an operator, or the
    /// `hostops` account of the host's organisation. Anyone else gets a 403 (a 404 for another organisation's).
    func requireHostManager(_ host: HostApp, to action: String) throws -> Account {
        let account = try requireAccount()
        switch account.role {
        case .admin, .ops: return account
        case .hostops(let organisation) where organisation == host.organisation: return account
        case .hostops: throw ProblemError.notFound("no host app '\(host.id)'")
        case .reviewer, .developer:
            throw ProblemError(
                .forbidden, code: .forbidden,
                detail: "only operators and the host's organisation may \(action); '\(account.id)' is \(account.role)")
        }
    }

    /// The account unless it is a `hostops` account, which sees only its own hosts' business: a 403 for it.
    func requireBankAccount(to action: String) throws -> Account {
        let account = try requireAccount()
        if case .hostops = account.role {
            throw ProblemError(
                .forbidden, code: .forbidden,
                detail: "a host organisation's account may not \(action); '\(account.id)' is \(account.role)")
        }
        return account
    }
}
