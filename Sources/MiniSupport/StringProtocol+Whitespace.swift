extension StringProtocol {
    /// The text without white space or line breaks at either end.
    ///
    /// Unicode's White_Space property as the standard library knows it, not Foundation's `CharacterSet`: loading
    /// CoreFoundation's character tables costs the shell a few hundred kilobytes of resident memory
    /// (docs/PERFORMANCE.md).
    package func trimmingWhitespace() -> SubSequence {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return self[endIndex...] }
        return self[first...last]
    }
}
