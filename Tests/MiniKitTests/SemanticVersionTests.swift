import MiniKit
import MiniSupport
import Testing

struct SemanticVersionTests {
    @Test(
        "strict SemVer 2.0.0 text parses",
        arguments: [
            "0.0.0", "1.2.3", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7", "1.0.0-x.7.z.92",
            "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85",
        ])
    func parses(_ text: String) throws {
        let version = try #require(SemanticVersion(text))
        #expect(version.description == text)
    }

    @Test(
        "anything else is refused",
        arguments: [
            "", "1", "1.2", "v1.2.3", "1.2.3.4", "01.2.3", "1.02.3", "1.2.3-", "1.2.3-01", "1.2.3+", "1.2.3-a..b",
            "1.2.3-ü", " 1.2.3", "not a semver", String(repeating: "1", count: 300) + ".0.0",
        ])
    func refuses(_ text: String) {
        #expect(SemanticVersion(text) == nil)
    }

    @Test("precedence follows the specification")
    func precedence() throws {
        let ordered = [
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
            "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0",
        ]
        let versions = try ordered.map { try #require(SemanticVersion($0)) }
        for (lower, higher) in zip(versions, versions.dropFirst()) {
            #expect(lower < higher, "\(lower) < \(higher)")
            #expect(!(higher < lower))
        }
    }

    @Test("build metadata does not change equality")
    func buildMetadataIgnored() throws {
        #expect(try #require(SemanticVersion("1.2.3+a")) == SemanticVersion("1.2.3+b"))
        #expect(Set([SemanticVersion("1.2.3+a")!, SemanticVersion("1.2.3")!]).count == 1)
    }
}
