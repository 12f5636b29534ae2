import MiniSupport

/// The field rules every request body of the API shares: strict (unknown fields refused) and bounded.
extension JSONCursor {
    /// An id-like name: 2 to 64 lowercase letters, digits, '.', '-'.
    public func requireName(_ key: String) throws(JSONPathError) -> String {
        let cursor = try require(key)
        let text = try cursor.string()
        guard text.count >= 2, text.isPlatformName else {
            throw cursor.error("'\(key)' is 2 to 64 lowercase letters, digits, '.' and '-'")
        }
        return text
    }

    /// An operator's or reviewer's reason: 4 to 500 characters (`why` ends the message, such as ": the partner
    /// reads it").
    public func reasonText(why: String = "") throws(JSONPathError) -> String {
        let text = try string()
        guard (4...500).contains(text.count) else { throw error("a reason has 4 to 500 characters\(why)") }
        return text
    }

    /// Non-empty text of at most `maximum` characters.
    public func requireText(_ key: String, maximum: Int) throws(JSONPathError) -> String {
        let cursor = try require(key)
        let text = try cursor.string()
        guard (1...maximum).contains(text.count) else { throw cursor.error("'\(key)' has 1 to \(maximum) characters") }
        return text
    }

    /// A semantic version such as 1.2.0.
    public func semanticVersion() throws(JSONPathError) -> SemanticVersion {
        guard let parsed = SemanticVersion(try string()) else {
            throw error("not a semantic version such as 1.2.0")
        }
        return parsed
    }
}
