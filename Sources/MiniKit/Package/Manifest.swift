import MiniSupport

/// `manifest.json`: what a mini-program is, which pages it has and what it may do.
public struct Manifest: Sendable, Hashable {
    /// A permission scope requested, with the reason shown to the user and the reviewer.
    public struct Permission: Sendable, Hashable {
        public var scope: HostAPI.Scope
        public var reason: String
    }

    /// Reverse-DNS-like id: lowercase letters, digits, `.`, `-`; 3 to 64 characters.
    public var id: String
    public var name: String
    public var version: SemanticVersion
    public var description: String
    public var category: String
    public var entryPage: String
    public var pages: [String]
    public var permissions: [Permission]
    /// Host names the mini-program calls with `network.request`.
    public var domains: [String]
    public var minimumHostVersion: SemanticVersion?
    /// The name and description in other languages, by language code (`zh`); what is missing shows in English.
    public var localized: [String: Translation] = [:]

    /// A name and description in one language.
    public struct Translation: Sendable, Hashable {
        public var name: String?
        public var description: String?
    }

    /// The languages `localized` may give, and the longest description (in any language).
    public static let languages: Set<String> = ["en", "zh"]
    public static let maximumDescription = 200

    public static let fileName = "manifest.json"
    public static let categories = [
        "insurance", "investment", "securities", "payments", "lifestyle", "travel", "utilities", "finance",
    ]

    /// Parses the manifest, reporting every problem with its location.
    static func parse(_ file: SourceFile) -> (Manifest?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let expression: Expression
        do throws(Diagnostic) {
            var lexer = Lexer(bytes: file.bytes)
            var parser = ExpressionParser(tokens: try lexer.tokenize(file: file), file: file)
            expression = try parser.parseTopExpression(budget: 20_000)
            guard parser.current.kind == .end else { throw parser.unexpected("expected the end of the manifest") }
        } catch {
            return (nil, [error])
        }
        guard case .object(let members, let range) = expression else {
            return (
                nil, [.error("manifest.syntax", "the manifest must be a JSON object", in: file, at: expression.range)]
            )
        }
        var fields: [String: Expression] = [:]
        for member in members { fields[member.key] = member.value }
        let known: Set<String> = [
            "id", "name", "version", "description", "category", "entryPage", "pages", "permissions", "domains",
            "minHostVersion", "localized",
        ]
        for member in members where !known.contains(member.key) {
            diagnostics.append(
                .warning(
                    "manifest.unknown-field", "unknown manifest field '\(member.key)' is ignored", in: file,
                    at: member.value.range, notes: ["fields are \(known.sorted().joined(separator: ", "))"]))
        }
        func string(_ key: String, required: Bool = true) -> String? {
            guard let value = fields[key] else {
                if required {
                    diagnostics.append(
                        .error(
                            "manifest.missing-field", "the manifest has no '\(key)'", in: file,
                            at: SourceRange(range.lowerBound, range.lowerBound + 1)))
                }
                return nil
            }
            guard case .literal(.string(let text), _) = value else {
                diagnostics.append(.error("manifest.type", "'\(key)' must be a string", in: file, at: value.range))
                return nil
            }
            return text
        }
        func strings(_ key: String) -> [(String, SourceRange)] {
            guard let value = fields[key] else { return [] }
            guard case .array(let items, _) = value else {
                diagnostics.append(.error("manifest.type", "'\(key)' must be a list", in: file, at: value.range))
                return []
            }
            var result: [(String, SourceRange)] = []
            for item in items {
                guard case .literal(.string(let text), let itemRange) = item else {
                    diagnostics.append(
                        .error("manifest.type", "each entry of '\(key)' must be a string", in: file, at: item.range))
                    continue
                }
                result.append((text, itemRange))
            }
            return result
        }
        func version(_ key: String, required: Bool) -> SemanticVersion? {
            guard let text = string(key, required: required) else { return nil }
            guard let version = SemanticVersion(text) else {
                diagnostics.append(
                    .error(
                        "manifest.version", "'\(text)' is not a semantic version such as 1.2.0", in: file,
                        at: fields[key]!.range))
                return nil
            }
            return version
        }
        let id = string("id")
        if let id, !Self.isValidID(id) {
            diagnostics.append(
                .error(
                    "manifest.id", "'\(id)' is not a valid id", in: file, at: fields["id"]!.range,
                    notes: ["use 3 to 64 lowercase letters, digits, '.' and '-', such as com.carins.quote"]))
        }
        let name = string("name")
        if let name, name.isEmpty || name.count > 40 {
            diagnostics.append(
                .error("manifest.name", "the name must have 1 to 40 characters", in: file, at: fields["name"]!.range))
        }
        let parsedVersion = version("version", required: true)
        let category = string("category")
        if let category, !categories.contains(category) {
            diagnostics.append(
                .error(
                    "manifest.category", "unknown category '\(category)'", in: file, at: fields["category"]!.range,
                    notes: ["categories are \(categories.joined(separator: ", "))"]))
        }
        let pages = strings("pages")
        if fields["pages"] != nil, pages.isEmpty {
            diagnostics.append(.error("manifest.pages", "'pages' lists no page", in: file, at: fields["pages"]!.range))
        } else if fields["pages"] == nil {
            diagnostics.append(
                .error(
                    "manifest.missing-field", "the manifest has no 'pages'", in: file,
                    at: SourceRange(range.lowerBound, range.lowerBound + 1)))
        }
        var seenPages = Set<String>()
        for (page, pageRange) in pages {
            if !seenPages.insert(page).inserted {
                diagnostics.append(.error("manifest.pages", "page '\(page)' is listed twice", in: file, at: pageRange))
            }
            if page.isEmpty || !page.utf8.allSatisfy({ Lexer.isIdentifierPart($0) || $0 == 0x2D }) {
                diagnostics.append(
                    .error(
                        "manifest.pages", "'\(page)' is not a page name (letters, digits, '_' and '-')", in: file,
                        at: pageRange))
            }
        }
        let entry = string("entryPage", required: false) ?? pages.first?.0
        if let entry, let entryRange = fields["entryPage"]?.range, !seenPages.contains(entry) {
            diagnostics.append(
                .error("manifest.entry-page", "the entry page '\(entry)' is not in 'pages'", in: file, at: entryRange))
        }
        var permissions: [Permission] = []
        if let list = fields["permissions"] {
            if case .array(let items, _) = list {
                var seen = Set<HostAPI.Scope>()
                for item in items {
                    guard case .object(let entryMembers, _) = item,
                        case .literal(.string(let scopeName), let scopeRange)? = entryMembers.first(where: {
                            $0.key == "scope"
                        })?.value
                    else {
                        diagnostics.append(
                            .error(
                                "manifest.permissions", "each permission is {\"scope\": …, \"reason\": …}", in: file,
                                at: item.range))
                        continue
                    }
                    guard let scope = HostAPI.Scope(rawValue: scopeName) else {
                        diagnostics.append(
                            .error(
                                "manifest.permissions", "unknown scope '\(scopeName)'", in: file, at: scopeRange,
                                notes: ["scopes are \(HostAPI.Scope.allCases.map(\.rawValue).joined(separator: ", "))"])
                        )
                        continue
                    }
                    guard
                        case .literal(.string(let reason), _)? = entryMembers.first(where: { $0.key == "reason" })?
                            .value, reason.count >= 4
                    else {
                        diagnostics.append(
                            .error(
                                "manifest.permissions", "scope '\(scopeName)' needs a reason the user will read",
                                in: file, at: item.range))
                        continue
                    }
                    if !seen.insert(scope).inserted {
                        diagnostics.append(
                            .error(
                                "manifest.permissions", "scope '\(scopeName)' is requested twice", in: file,
                                at: scopeRange))
                    }
                    permissions.append(Permission(scope: scope, reason: reason))
                }
            } else {
                diagnostics.append(.error("manifest.type", "'permissions' must be a list", in: file, at: list.range))
            }
        }
        var domains: [String] = []
        for (domain, domainRange) in strings("domains") {
            if !Self.isValidDomain(domain) {
                diagnostics.append(
                    .error(
                        "manifest.domains", "'\(domain)' is not a host name", in: file, at: domainRange,
                        notes: ["write the host only, such as api.carins.example (no scheme, path or port)"]))
            }
            domains.append(domain.lowercased())
        }
        let minimumHost = version("minHostVersion", required: false)
        let description = string("description", required: false) ?? ""
        if description.count > maximumDescription {
            diagnostics.append(
                .error(
                    "manifest.description", "the description must have at most \(maximumDescription) characters",
                    in: file, at: fields["description"]!.range))
        }
        let localized = fields["localized"].map { Self.localized($0, file: file, diagnostics: &diagnostics) } ?? [:]
        guard let id, let name, let parsedVersion, let category, let entry,
            !diagnostics.contains(where: { $0.severity == .error })
        else {
            return (nil, diagnostics)
        }
        var manifest = Manifest(
            id: id, name: name, version: parsedVersion, description: description, category: category,
            entryPage: entry,
            pages: pages.map(\.0), permissions: permissions, domains: domains, minimumHostVersion: minimumHost)
        manifest.localized = localized
        return (manifest, diagnostics)
    }

    static func isValidID(_ id: String) -> Bool {
        (3...64).contains(id.count)
            && id.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D
            }
            && id.first!.isLetter
    }

    static func isValidDomain(_ domain: String) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && domain.count <= 253
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                    && label.utf8.allSatisfy {
                        ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39)
                            || $0 == 0x2D
                    }
            }
    }

    /// The scopes declared.
    public var declaredScopes: Set<HostAPI.Scope> { Set(permissions.map(\.scope)) }
}
