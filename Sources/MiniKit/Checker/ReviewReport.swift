/// What a reviewer needs to judge a mini-program, computed from its source without running it.
public struct ReviewReport: Sendable, Hashable, Codable {
    public struct PageSummary: Sendable, Hashable, Codable {
        public var name: String
        /// Components in the template (a `wx:for` body counts once).
        public var components: Int
        public var handlers: [HandlerSummary]
    }

    public struct HandlerSummary: Sendable, Hashable, Codable {
        /// `getQuote`, or `on load` for hooks.
        public var name: String
        /// Host APIs the handler can call on some path.
        public var apis: [String]
        /// Hosts it can reach with network.request; `(computed)` when a URL is built at run time.
        public var domains: [String]
        /// Pages it can navigate to.
        public var navigates: [String]
    }

    public struct ScopeSummary: Sendable, Hashable, Codable {
        public var scope: String
        public var reason: String
        public var sensitive: Bool
        /// Handlers that use it, as `page.handler`.
        public var usedBy: [String]
    }

    public var id: String
    public var name: String
    public var version: String
    public var category: String
    public var entryPage: String
    public var pages: [PageSummary]
    public var scopes: [ScopeSummary]
    public var domains: [String]
    public var warnings: Int

    /// The report as text for people.
    public var text: String {
        var lines = ["\(name) (\(id)) \(version) — \(category), entry page '\(entryPage)'", ""]
        lines.append("Scopes:")
        if scopes.isEmpty { lines.append("  (none)") }
        for scope in scopes {
            lines.append("  \(scope.scope)\(scope.sensitive ? " [asks the user]" : "") — \"\(scope.reason)\"")
            lines.append(
                "    used by: \(scope.usedBy.isEmpty ? "(nothing — declared but unused)" : scope.usedBy.joined(separator: ", "))"
            )
        }
        lines.append("Domains: \(domains.isEmpty ? "(none)" : domains.joined(separator: ", "))")
        lines.append("")
        for page in pages {
            lines.append(
                "Page \(page.name): \(page.components) component\(page.components == 1 ? "" : "s"), \(page.handlers.count) handler\(page.handlers.count == 1 ? "" : "s")"
            )
            for handler in page.handlers {
                var facts: [String] = []
                facts.append(handler.apis.isEmpty ? "no host API" : "calls " + handler.apis.joined(separator: ", "))
                if !handler.domains.isEmpty { facts.append("reaches " + handler.domains.joined(separator: ", ")) }
                if !handler.navigates.isEmpty { facts.append("opens " + handler.navigates.joined(separator: ", ")) }
                lines.append("  \(handler.name): \(facts.joined(separator: "; "))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
