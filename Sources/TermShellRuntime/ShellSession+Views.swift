import Catalog
import Foundation
import MiniKit
import MiniSupport
import ShellAgent
import TermShell

/// What the screens show of the store and the agent: the service list, settings and the QA panel, all built
/// from one read of the store per refresh.
extension ShellSession {
    /// One read of what the screens derive from the store.
    struct StoreRead {
        /// The user's verified catalog, when there is one.
        var catalog: ShellStore.StoredCatalog?
        /// Its entries less those recalled on this device.
        var listed: [CatalogEntry]
        var installed: [ShellStore.InstalledPackage]
    }

    /// Reads the user's catalog, the tombstones and the installed packages once.
    func read(_ user: String) -> StoreRead {
        let catalog = try? store.catalog(host: configuration.hostId, user: user)
        let recalled = Set(((try? store.tombstones(host: configuration.hostId)) ?? []).map(\.appId))
        return StoreRead(
            catalog: catalog, listed: (catalog?.snapshot.entries ?? []).filter { !recalled.contains($0.appId) },
            installed: (try? store.installed()) ?? [])
    }

    /// The settings screen's view of the store for a user.
    func settings(for user: String, _ read: StoreRead) -> ShellState.Settings {
        // Every sensitive scope the user's services were granted, answered or not, and every answer kept.
        var answers: [String: [String: Bool?]] = [:]
        for entry in read.listed {
            for scope in entry.grantedScopes where HostAPI.Scope(rawValue: scope)?.isSensitive == true {
                answers[entry.appId, default: [:]][scope] = .some(nil)
            }
        }
        for consent in (try? store.consents(user: user)) ?? [] {
            answers[consent.app, default: [:]][consent.scope] = consent.granted
        }
        return ShellState.Settings(
            permissions: answers.sorted { $0.key < $1.key }.flatMap { app, scopes in
                scopes.sorted { $0.key < $1.key }.map { scope, granted in
                    ShellState.Settings.Permission(app: app, scope: scope, granted: granted)
                }
            },
            storage: ((try? store.storageUse(user: user)) ?? []).map {
                ShellState.Settings.Storage(app: $0.app, keys: $0.keys, bytes: $0.bytes)
            },
            packages: read.installed.count, packageBytes: read.installed.reduce(0) { $0 + $1.size },
            paymentsLocked: payments.isLocked(user))
    }

    /// The QA panel's view of the store and the agent.
    func diagnostics(_ read: StoreRead) -> ShellState.Diagnostics {
        let catalog = read.catalog
        let lastEvent = (try? store.lastEvent(host: configuration.hostId))?.sequence ?? 0
        return ShellState.Diagnostics(
            server: configuration.server, host: configuration.hostId,
            deviceId: (try? store.deviceCredential(host: configuration.hostId))?.deviceId,
            catalogVersion: catalog?.snapshot.catalogVersion,
            eventSequence: catalog.map { max($0.snapshot.eventSequence, lastEvent) },
            issuedAt: catalog.map { Timestamp.format($0.snapshot.issuedAt) },
            launchableUntil: catalog.map { Timestamp.format($0.launchableUntil) },
            installed: read.installed.map { ($0.appId, $0.version.description, String($0.sha256.prefix(12))) },
            listed: (catalog?.snapshot.entries ?? []).map { entry in
                (entry.appId, entry.version.description, entry.gray ? entry.audience ?? "" : nil)
            },
            log: lock.withLock { recent })
    }

    /// The service centre's list.
    func services(_ read: StoreRead, user: String) -> [ShellState.Service] {
        guard read.catalog != nil else { return [] }
        let installed = Set(read.installed.map(\.sha256))
        let new = (try? store.newServices(user: user, listed: read.listed.map(\.appId), now: Date())) ?? []
        return read.listed.map { entry in
            ShellState.Service(
                id: entry.appId, name: Self.name(entry), summary: Self.summary(entry), category: entry.category,
                gray: entry.gray,
                installed: installed.contains(entry.package.sha256), isNew: new.contains(entry.appId))
        }
    }

    /// The QA panel's line for an agent event.
    static func summary(_ event: AgentEvent) -> String {
        switch event {
        case .enrolled(let deviceId): "enrolled as device \(deviceId)"
        case .synced(let version, let entries, let tombstones):
            "v\(version), \(entries) service\(entries == 1 ? "" : "s"), \(tombstones) taken down"
        case .installed(let app, let version, let sha, _): "\(app) \(version) \(sha.prefix(12))"
        case .purged(let app, let reason, let sequence): "\(app): \(reason) (event \(sequence))"
        case .refused(let what, let code, let reason): "\(what) [\(code)] \(reason)"
        case .expired(let until): "launching stopped at \(Timestamp.format(until))"
        case .acknowledged(let version, let sequence, let purged):
            "v\(version), event \(sequence)\(purged.isEmpty ? "" : ", purged \(purged.joined(separator: ", "))")"
        case .keyRotated(let from, let to, _):
            "server key \(from.map { String($0.prefix(12)) }.joined(separator: ", ")) → \(to.map { String($0.prefix(12)) }.joined(separator: ", "))"
        case .connected(let after): "events after \(after)"
        case .reported(let complaints, let activity):
            "\(complaints) complaint\(complaints == 1 ? "" : "s"), \(activity) activity record\(activity == 1 ? "" : "s")"
        case .disconnected(let reason): reason
        }
    }

    /// A host's brand as the screens show it.
    static func brand(_ brand: HostBrand) -> ShellState.Brand {
        ShellState.Brand(
            title: ShellState.Text(brand.title, chinese: brand.titleZh),
            services: ShellState.Text(brand.services, chinese: brand.servicesZh), accent: brand.accent.rawValue)
    }

    /// A catalog entry's name in both languages.
    static func name(_ entry: CatalogEntry) -> ShellState.Text {
        ShellState.Text(entry.name, chinese: entry.localized?["zh"]?.name)
    }

    /// A catalog entry's description in both languages.
    static func summary(_ entry: CatalogEntry) -> ShellState.Text {
        ShellState.Text(entry.description(in: "en"), chinese: entry.localized?["zh"]?.description)
    }
}
