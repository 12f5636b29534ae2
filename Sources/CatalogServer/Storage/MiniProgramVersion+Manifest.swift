import Catalog
import MiniKit

extension MiniProgramVersion {
    /// A draft version as its checked manifest describes it (an upload, or the seed).
    init(appId: String, manifest: Manifest, package: PackageReference) {
        self.init(
            appId: appId, version: manifest.version, package: package,
            scopes: manifest.permissions.map { ScopeRequest(scope: $0.scope.rawValue, reason: $0.reason) },
            domains: manifest.domains, minimumHostVersion: manifest.minimumHostVersion, reviewState: .draft,
            texts: ProgramTexts(
                description: manifest.description,
                localized: manifest.localized.mapValues { LocalizedText(name: $0.name, description: $0.description) }))
    }
}
