import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import MiniSupport

/// `/v1/orgs`: the organisations that run host apps. The bank's is always there; operators add external ones
/// (a transit company, a carmaker) and see them all; a `hostops` account sees its own.
struct OrganisationRoutes {
    let store: any CatalogStore
    let clock: any CatalogClock

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.get("orgs") { _, context -> Response in
            let account = try context.requireAccount()
            let own = account.role.hostOrganisation
            if own == nil { _ = try context.requireBankAccount(to: "list organisations") }
            let hosts = try await store.hostApps()
            let organisations = try await store.organisations().filter { own == nil || $0.id == own }
            return JSONResponse.make(
                .object(["organisations": .array(organisations.map { Self.json($0, hosts: hosts) })]))
        }
        group.post("orgs") { request, context -> Response in
            let account = try context.requireOperator(to: "create organisations")
            var request = request
            let body = try RequestBody.read(try await RequestBody.json(&request), OrganisationCreate.init(json:))
            let organisation = Organisation(id: body.id, name: body.name)
            guard
                try await store.createOrganisation(
                    organisation,
                    audit: AuditEntry(
                        at: clock.now(), actor: account.id, action: "org.create", target: organisation.id,
                        reason: organisation.name, organisation: organisation.id))
            else {
                throw ProblemError(
                    .conflict, code: .organisationExists, detail: "organisation '\(organisation.id)' exists already")
            }
            return JSONResponse.make(Self.json(organisation, hosts: []), status: .created)
        }
    }

    static func json(_ organisation: Organisation, hosts: [HostApp]) -> JSONValue {
        .object([
            "id": .string(organisation.id), "name": .string(organisation.name),
            "hosts": .array(hosts.filter { $0.organisation == organisation.id }.map { .string($0.id) }),
        ])
    }
}
