/// The language the shell's own chrome is drawn in.
public enum UILanguage: String, Sendable, CaseIterable, Codable {
    case english = "en"
    case chinese = "zh"

    /// Picks the language from a POSIX locale environment, in the order `LC_ALL`, `LC_MESSAGES`, `LANG`.
    ///
    /// `zh_CN.UTF-8`, `zh_TW`, `zh` select Chinese; anything else (including `C.UTF-8` and unset) selects English.
    public static func fromEnvironment(_ environment: [String: String]) -> UILanguage {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[key], !value.isEmpty else { continue }
            return value.lowercased().hasPrefix("zh") ? .chinese : .english
        }
        return .english
    }

    /// Parses a `--lang` argument (`en`, `zh`, `zh-CN`, `english`, `chinese`, case-insensitive).
    public init?(argument: String) {
        switch argument.lowercased() {
        case "en", "en-us", "en-gb", "english": self = .english
        case "zh", "zh-cn", "zh-hans", "chinese", "中文": self = .chinese
        default: return nil
        }
    }
}
