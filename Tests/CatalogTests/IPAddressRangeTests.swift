import Catalog
import Testing

struct IPAddressRangeTests {
    @Test func ipv4() throws {
        let range = try #require(IPAddressRange("160.33.0.0/16"))
        #expect(range.contains(address: "160.33.0.33"))
        #expect(!range.contains(address: "160.34.0.1"))
        #expect(try #require(IPAddressRange("127.0.0.1")).contains(address: "127.0.0.1"))
        #expect(try !#require(IPAddressRange("127.0.0.1")).contains(address: "127.0.0.2"))
        #expect(try #require(IPAddressRange("0.0.0.0/0")).contains(address: "8.8.8.8"))
        #expect(try #require(IPAddressRange("10.1.2.3/31")).contains(address: "10.1.2.2"))
    }

    @Test func ipv6() throws {
        let range = try #require(IPAddressRange("2001:db8::/32"))
        #expect(range.contains(address: "2001:db8:0:1::42"))
        #expect(!range.contains(address: "2001:db9::1"))
        #expect(!range.contains(address: "10.0.0.1"), "families never mix")
        #expect(try #require(IPAddressRange("::1")).contains(address: "0:0:0:0:0:0:0:1"))
        #expect(try #require(IPAddressRange("::ffff:10.0.0.0/104")).contains(address: "::ffff:10.1.2.3"))
    }

    @Test(
        "malformed ranges are refused",
        arguments: [
            "127.invalid", "bad::cidr", "1.2.3.4/33", "::/129", "1.2.3", "1.2.3.256", "1::2::3", "", "1.2.3.4/",
            "1.2.3.4/x", "12345::",
        ])
    func refuses(_ text: String) {
        #expect(IPAddressRange(text) == nil)
    }
}
