import Testing

@testable import Catalog

struct BoundedRegexTests {
    @Test(
        "matches like RE2",
        arguments: [
            ("^[^@]+@[^@]+$", "a@b.c", true), ("^user\\d{3}$", "user123", true), ("^user\\d{3}$", "user1234", false),
            ("^[[:alpha:]]+$", "AlphaBeta", true), ("^[[:alpha:]]+$", "Alpha1", false), ("[[:^digit:]]", "123", false),
            ("[[:^digit:]]", "12a", true), ("\\bcat\\b", "a cat b", true), ("\\bcat\\b", "concatenate", false),
            ("^(foo|fo)$", "fo", true), ("^(ab)?c$", "ac", false), ("^a{2,4}$", "aaaaa", false),
            ("^a{2,}$", "aaaaaaa", true),
            ("^a.*?b$", "a___b___b", true), ("^(?i)abc$", "AbC", true), ("(?m)^foo$", "x\nfoo\ny", true),
            ("^foo$", "x\nfoo\ny", false), ("^(?s)a.b$", "a\nb", true), ("^a.b$", "a\nb", false),
            ("(?i:ab)c", "ABc", true),
            ("(?i:ab)c", "ABC", false), ("\\x41\\x{42}", "AB", true), ("[a-c]+x", "zzbcax", true), ("\\.", "a.b", true),
            ("\\.", "ab", false), ("", "anything", true), ("a|", "b", true), ("^$", "", true), ("車|险", "车险", true),
            ("^\\w+$", "报价123", true), ("\\Aab\\z", "ab", true), ("[-a]", "-", true), ("[]a]", "]", true),
        ])
    func matches(_ pattern: String, _ text: String, _ expected: Bool) throws {
        #expect(try BoundedRegex(pattern).matches(text) == expected, "\(pattern) on \(text)")
    }

    @Test("case-insensitive compilation")
    func caseInsensitive() throws {
        #expect(try BoundedRegex("^abc$", caseInsensitive: true).matches("ABC"))
        #expect(try BoundedRegex("^[a-c]+$", caseInsensitive: true).matches("CAB"))
        #expect(try !BoundedRegex("^abc$").matches("ABC"))
    }

    @Test(
        "refuses what cannot run in linear time, and malformed patterns",
        arguments: [
            ("^(?=a)b$", "look-ahead"), ("(?!a)", "look-ahead"), ("(?<=a)b", "look-behind"),
            ("^(a)\\1$", "back-references"),
            ("(regex", "unclosed group"), ("a)", "unmatched ')'"), ("[abc", "unclosed character class"),
            ("*a", "nothing to repeat"),
            ("a{5,2}", "backwards"), ("a{1001}", "larger than 1000"), ("(?x)a", "unknown group flag"),
            ("\\p{L}", "not supported"),
            ("[z-a]", "backwards"), ("[[:nope:]]", "unknown POSIX class"), ("\\q", "unknown escape"),
            ("a**", "cannot directly follow"),
            ("(a{1000}){1000}", "more than"),
        ])
    func refuses(_ pattern: String, _ fragment: String) {
        #expect {
            try BoundedRegex(pattern)
        } throws: { error in
            "\(error)".contains(fragment)
        }
    }

    @Test("a pathological pattern finishes: no exponential backtracking")
    func noCatastrophicBacktracking() throws {
        // (a*)*b against 'aaaa…a' takes exponential time in a backtracking engine.
        let regex = try BoundedRegex("^(a*)*b$")
        #expect(!regex.matches(String(repeating: "a", count: 5_000)))
        let nested = try BoundedRegex("^(a|aa)+$")
        #expect(!nested.matches(String(repeating: "a", count: 5_000) + "!"))
    }

    @Test("too long a pattern is refused")
    func tooLong() {
        #expect(throws: RegexSyntaxError.self) { try BoundedRegex(String(repeating: "a", count: 1_025)) }
    }
}
