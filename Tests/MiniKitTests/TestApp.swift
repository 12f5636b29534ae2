import Foundation

@testable import MiniKit

/// Builds small mini-programs in memory for tests.
enum TestApp {
    static func manifest(
        pages: [String] = ["index"], permissions: [(String, String)] = [], domains: [String] = [], extra: String = ""
    ) -> String {
        let permissionText = permissions.map { "{\"scope\": \"\($0.0)\", \"reason\": \"\($0.1)\"}" }.joined(
            separator: ", ")
        return """
            {
              "id": "com.example.test",
              "name": "Test app",
              "version": "1.0.0",
              "category": "lifestyle",
              "pages": [\(pages.map { "\"\($0)\"" }.joined(separator: ", "))],
              "permissions": [\(permissionText)],
              "domains": [\(domains.map { "\"\($0)\"" }.joined(separator: ", "))]\(extra)
            }
            """
    }

    static func files(manifest: String = manifest(), _ files: [String: String]) -> PackageFiles {
        var all: [String: Data] = ["manifest.json": Data(manifest.utf8)]
        for (path, text) in files { all[path] = Data(text.utf8) }
        return PackageFiles(all)
    }

    /// A one-page program; fails the test through the returned diagnostics when it does not load.
    static func load(manifest: String = manifest(), markup: String, logic: String? = nil) -> MiniProgram.LoadResult {
        var pages = ["pages/index.mml": markup]
        if let logic { pages["pages/index.logic"] = logic }
        return MiniProgram.load(files(manifest: manifest, pages))
    }

    /// Diagnostics rendered, for verbatim comparisons.
    static func rendered(_ result: MiniProgram.LoadResult) -> String {
        result.diagnostics.items.map(\.rendered).joined(separator: "\n\n")
    }
}
