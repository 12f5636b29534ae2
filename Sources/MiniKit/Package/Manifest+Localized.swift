import MiniSupport

extension Manifest {
    /// Reads `localized`: `{"zh": {"name": "…", "description": "…"}}`. Languages are `en` and `zh`; a name has
    /// 1 to 40 characters and a description at most 200, as in English.
    static func localized(_ value: Expression, file: SourceFile, diagnostics: inout [Diagnostic])
        -> [String: Translation]
    {
        guard case .object(let languages, _) = value else {
            diagnostics.append(
                .error(
                    "manifest.type", "'localized' must be an object of languages", in: file, at: value.range,
                    notes: [#"for example "localized": {"zh": {"name": "按天车险", "description": "…"}}"#]))
            return [:]
        }
        var result: [String: Translation] = [:]
        for (language, texts) in languages {
            guard Self.languages.contains(language) else {
                diagnostics.append(
                    .error(
                        "manifest.localized", "unknown language '\(language)'", in: file, at: texts.range,
                        notes: ["languages are \(Self.languages.sorted().joined(separator: ", "))"]))
                continue
            }
            guard case .object(let members, _) = texts else {
                diagnostics.append(
                    .error(
                        "manifest.type", "'localized.\(language)' must be an object with name and description",
                        in: file, at: texts.range))
                continue
            }
            var translation = Translation()
            for (key, member) in members {
                guard case .literal(.string(let text), _) = member else {
                    diagnostics.append(
                        .error(
                            "manifest.type", "'localized.\(language).\(key)' must be a string", in: file,
                            at: member.range))
                    continue
                }
                switch key {
                case "name":
                    guard (1...40).contains(text.count) else {
                        diagnostics.append(
                            .error("manifest.name", "the name must have 1 to 40 characters", in: file, at: member.range)
                        )
                        continue
                    }
                    translation.name = text
                case "description":
                    guard text.count <= maximumDescription else {
                        diagnostics.append(
                            .error(
                                "manifest.description",
                                "the description must have at most \(maximumDescription) characters", in: file,
                                at: member.range))
                        continue
                    }
                    translation.description = text
                default:
                    diagnostics.append(
                        .warning(
                            "manifest.unknown-field", "unknown field 'localized.\(language).\(key)' is ignored",
                            in: file, at: member.range, notes: ["a language gives name and description"]))
                }
            }
            result[language] = translation
        }
        return result
    }
}
