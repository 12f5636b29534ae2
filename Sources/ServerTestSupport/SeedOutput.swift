/// What `catalogd serve --seed` prints: lines such as `  account ops-wang (ops): mct_…` and
/// `  host key mbank: mhk_…`, read by the end-to-end tests and the fleet benchmark.
public enum SeedOutput {
    /// The last word of the first line that contains `prefix` (a token, a host key); empty when there is none.
    public static func value(after prefix: String, in text: String) -> String {
        text.split(separator: "\n").first { $0.contains(prefix) }.flatMap { $0.split(separator: " ").last }
            .map(String.init) ?? ""
    }
}
