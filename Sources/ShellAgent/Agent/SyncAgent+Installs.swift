import Catalog
import CatalogAPI
import Foundation
import MiniKit

/// Downloading, verifying and installing packages; removing those nothing lists.
extension SyncAgent {
    /// Installs what the catalog lists and this shell lacks. One read of what is installed, not one per entry;
    /// an installed row whose files are gone installs again.
    func installMissing(_ snapshot: CatalogSnapshot) async {
        let installed = Set(((try? store.installed()) ?? []).map(\.sha256))
        for entry in snapshot.entries
        where !(installed.contains(entry.package.sha256) && packages.contains(entry.package.sha256)) {
            await install(entry)
        }
    }

    func install(_ entry: CatalogEntry) async {
        let sha = entry.package.sha256
        guard entry.package.isWellFormed else {
            refuse("package", "malformed-reference", "\(entry.appId) \(entry.version): not a SHA-256 reference")
            return
        }
        if (try? store.installed(sha256: sha)) != nil, packages.contains(sha) { return }
        guard entry.package.size <= MiniKitLimits.maximumPackageSize, entry.package.size > 0 else {
            refuse(
                "package", "too-large",
                "\(entry.appId) \(entry.version): \(entry.package.size) bytes is over the package limit")
            return
        }
        let reply: HTTPReply
        do {
            reply = try await sendAsDevice { token in
                HTTPRequest(
                    url: configuration.server + CatalogAPI.package.path(["sha256": sha]),
                    headers: [("Authorization", "Bearer \(token)")],
                    timeout: .seconds(30), maximumResponseSize: entry.package.size)
            }
        } catch .tooLarge {
            refuse(
                "package", "size-mismatch",
                "\(entry.appId) \(entry.version): larger than the catalog's \(entry.package.size) bytes")
            return
        } catch {
            emit(.disconnected(reason: "cannot download \(entry.appId) \(entry.version): \(error)"))
            return
        }
        guard reply.status == 200 else {
            refuse("package", "download-failed", "\(entry.appId) \(entry.version): answered \(reply.status)")
            return
        }
        guard reply.body.count == entry.package.size else {
            refuse(
                "package", "size-mismatch",
                "\(entry.appId) \(entry.version): \(reply.body.count) bytes, the catalog says \(entry.package.size)")
            return
        }
        guard PackageCache.digest(reply.body) == sha else {
            refuse(
                "package", "hash-mismatch", "\(entry.appId) \(entry.version): the SHA-256 is not the catalog's \(sha)")
            return
        }
        do {
            try packages.install(reply.body, sha256: sha)
            let recorded = try store.recordInstalled(
                ShellStore.InstalledPackage(
                    appId: entry.appId, version: entry.version, sha256: sha, size: reply.body.count),
                host: configuration.hostId, at: clock.now())
            guard recorded else {
                packages.remove(sha)  // recalled while it downloaded
                return
            }
        } catch {
            note("store", "cannot install \(entry.appId) \(entry.version): \(error)")
            return
        }
        emit(.installed(appId: entry.appId, version: entry.version, sha256: sha, bytes: reply.body.count))
    }

    /// Packages no stored catalog of any user names any more (a gray version swapped, a listing ended).
    func collectGarbage() {
        guard let referenced = try? store.referencedPackages(), let installed = try? store.installed() else { return }
        for package in installed where !referenced.contains(package.sha256) {
            try? store.removeInstalled(sha256: package.sha256)
            packages.remove(package.sha256)
        }
    }
}
