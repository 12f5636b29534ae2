import Catalog
import Foundation

/// Why a mini-program may not be launched (the shell words it for people in their language).
public enum LaunchRefusal: Error, Sendable, Hashable {
    /// Taken down: its code and data were deleted.
    case delisted(reason: String)
    /// The catalog expired and could not be refreshed (after the host's grace).
    case expired(since: Date)
    /// The shell has not synced a catalog for this user yet, or is checking for recalls right now.
    case notSynced
    /// The user's catalog does not list it.
    case notListed
    /// Listed, but its package is not downloaded yet.
    case notInstalled
    /// The package on disk is not the one the catalog names.
    case verificationFailed(String)

    /// A stable code for logs and tests.
    public var code: String {
        switch self {
        case .delisted: "delisted"
        case .expired: "expired"
        case .notSynced: "not-synced"
        case .notListed: "not-listed"
        case .notInstalled: "not-installed"
        case .verificationFailed: "verification-failed"
        }
    }
}

/// A verified, installed package ready to run.
public struct LaunchTicket: Sendable, Hashable {
    public var entry: CatalogEntry
    /// The package bytes, checked against the catalog's size and SHA-256 just now.
    public var package: Data

    public init(entry: CatalogEntry, package: Data) {
        self.entry = entry
        self.package = package
    }
}

/// Decides whether a mini-program may run: tombstones first, then the catalog's freshness, then the package.
public struct LaunchGate: Sendable {
    public let store: ShellStore
    public let packages: PackageCache
    public let hostId: String
    public let clock: any CatalogClock

    public init(store: ShellStore, packages: PackageCache, hostId: String, clock: any CatalogClock) {
        self.store = store
        self.packages = packages
        self.hostId = hostId
        self.clock = clock
    }

    public func launch(_ appId: String, user: String) -> Result<LaunchTicket, LaunchRefusal> {
        do {
            if let tombstone = try store.tombstone(host: hostId, app: appId) {
                return .failure(.delisted(reason: tombstone.reason))
            }
            guard let catalog = try store.catalog(host: hostId, user: user) else { return .failure(.notSynced) }
            if clock.now() > catalog.launchableUntil { return .failure(.expired(since: catalog.snapshot.expiresAt)) }
            if catalog.snapshot.tombstones.contains(where: { $0.appId == appId }) {
                return .failure(.delisted(reason: catalog.snapshot.tombstones.first { $0.appId == appId }!.reason))
            }
            guard let entry = catalog.snapshot.entries.first(where: { $0.appId == appId }) else {
                return .failure(.notListed)
            }
            guard try store.installed(sha256: entry.package.sha256) != nil,
                let data = try? Data(contentsOf: packages.packageFile(entry.package.sha256))
            else { return .failure(.notInstalled) }
            guard data.count == entry.package.size else {
                return .failure(.verificationFailed("\(data.count) bytes, the catalog says \(entry.package.size)"))
            }
            guard PackageCache.digest(data) == entry.package.sha256 else {
                return .failure(.verificationFailed("the SHA-256 differs from the catalog's"))
            }
            return .success(LaunchTicket(entry: entry, package: data))
        } catch {
            return .failure(.verificationFailed("the local store cannot be read: \(error)"))
        }
    }
}
