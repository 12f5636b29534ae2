import MiniSupport
import Testing

struct URLTextTests {
    @Test("percent-encoding keeps only RFC 3986's unreserved characters, byte by byte of the UTF-8")
    func encode() {
        #expect(URLText.encode("u-1.a_b~C9") == "u-1.a_b~C9")
        #expect(URLText.encode("张伟") == "%E5%BC%A0%E4%BC%9F", "non-ASCII letters are encoded too")
        #expect(URLText.encode("a b/c?d=e&f#%") == "a%20b%2Fc%3Fd%3De%26f%23%25")
        #expect(URLText.encode("") == "")
    }

    @Test("header values lose HTTP's optional whitespace at both ends only")
    func trimmed() {
        #expect(URLText.trimmed(" \t \"abc def\" \r\n") == "\"abc def\"")
        #expect(URLText.trimmed("\r\n") == "")
        #expect(URLText.trimmed("plain") == "plain")
    }
}
