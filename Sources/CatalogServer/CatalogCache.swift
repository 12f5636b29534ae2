import Catalog
import Foundation
import MiniKit

/// What the signed catalog of a host is built from, read from the store once per catalog version, and the
/// bodies of recently signed catalogs. A catalog request then costs the gray resolution for its user and, if
/// the catalog changed for that user, one signature.
actor CatalogCache {
    struct HostCatalog: Sendable {
        var catalogVersion: UInt64
        var eventSequence: UInt64
        var appIds: [String]
        var resolver: CatalogResolver
        /// Entry templates by app id and version (the `gray` flag is set per user).
        var entries: [String: [SemanticVersion: CatalogEntry]]
        var tombstones: [Tombstone]
    }

    private var hosts: [String: HostCatalog] = [:]
    private var bodies: [String: Data] = [:]
    private static let maximumBodies = 4_096

    /// The host's inputs, rebuilt when its catalog version moved.
    func host(_ hostId: String, store: any CatalogStore, clock: any CatalogClock) async throws -> HostCatalog {
        let state = try await store.hostState(hostId)
        if let cached = hosts[hostId], cached.catalogVersion == state.catalogVersion { return cached }
        let listings = try await store.listings(hostId: hostId).filter { [.full, .gray, .paused].contains($0.state) }
        var entries: [String: [SemanticVersion: CatalogEntry]] = [:]
        for listing in listings {
            guard let program = try await store.miniProgram(id: listing.appId) else { continue }
            let versions =
                [listing.plan.stableVersion, listing.plan.gray?.version].compactMap { $0 }
                + (listing.plan.gray?.variants.compactMap { SemanticVersion($0.name) } ?? [])
            for version in versions {
                guard let stored = try await store.version(appId: listing.appId, version: version) else { continue }
                entries[listing.appId, default: [:]][version] = CatalogEntry(
                    appId: program.id, name: program.name, category: program.category, version: version,
                    package: stored.version.package, grantedScopes: stored.version.scopes.map(\.scope),
                    grantedDomains: stored.version.domains, gray: false)
            }
        }
        let catalog = HostCatalog(
            catalogVersion: state.catalogVersion, eventSequence: state.eventSequence, appIds: listings.map(\.appId),
            resolver: CatalogResolver(plans: listings.map(\.plan), clock: clock), entries: entries,
            tombstones: try await store.delistings(hostId: hostId))
        hosts[hostId] = catalog
        return catalog
    }

    func body(_ etag: String) -> Data? { bodies[etag] }

    func remember(_ body: Data, for etag: String) {
        if bodies.count >= Self.maximumBodies { bodies.removeAll(keepingCapacity: true) }
        bodies[etag] = body
    }
}
