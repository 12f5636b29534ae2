import CatalogServer
import Testing

struct ListenAddressTests {
    @Test func parsesHostAndPort() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(try ListenAddress(parsing: "localhost:0").port == 0)
        #expect(try ListenAddress(parsing: "[::1]:9000") == ListenAddress(host: "::1", port: 9000))
        #expect(ListenAddress(host: "::1", port: 9000).description == "[::1]:9000")
    }

    @Test(
        "bad addresses say what is wrong",
        arguments: [
            ("8080", "expected HOST:PORT"), (":8080", "the host is empty"), ("127.0.0.1:http", "not a number"),
            ("127.0.0.1:70000", "not a number from 0 to 65535"), ("::1:80", "in brackets"), ("[::1:80", "no closing"),
        ])
    func refuses(_ input: String, _ fragment: String) {
        #expect {
            try ListenAddress(parsing: input)
        } throws: { error in
            "\(error)".contains(fragment) && "\(error)".contains(input)
        }
    }
}
