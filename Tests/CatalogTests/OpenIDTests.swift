import Catalog
import Foundation
import Testing

/// The per-app user id the server derives with a secret of its own.
struct OpenIDTests {
    @Test("stable for a user and app, different per app, host, user and secret, and never the user id")
    func derivation() throws {
        // Fixed secrets: the derivation is deterministic, and so is this test (a random secret's openId contains
        // any four given digits once in a few thousand runs).
        let secret = Data(repeating: 0x5A, count: OpenID.secretSize)
        let openId = try OpenID(secret: secret)
        let a = openId.derive(hostId: "mbank", appId: "com.a", userId: "u-1002")
        #expect(a == (try OpenID(secret: secret)).derive(hostId: "mbank", appId: "com.a", userId: "u-1002"))
        #expect(a != openId.derive(hostId: "mbank", appId: "com.b", userId: "u-1002"))
        #expect(a != openId.derive(hostId: "carunit", appId: "com.a", userId: "u-1002"))
        #expect(a != openId.derive(hostId: "mbank", appId: "com.a", userId: "u-1003"))
        #expect(
            a
                != (try OpenID(secret: Data(repeating: 0x5B, count: OpenID.secretSize))).derive(
                    hostId: "mbank", appId: "com.a", userId: "u-1002"))
        #expect(a.count == 32 && a.allSatisfy(\.isHexDigit) && !a.contains("1002"))
        // The parts cannot slide into each other.
        #expect(
            openId.derive(hostId: "mb", appId: "ank.a", userId: "u")
                != openId.derive(hostId: "mbank", appId: ".a", userId: "u"))
    }

    @Test("a short secret is refused")
    func shortSecret() {
        #expect(throws: KeyError.self) { try OpenID(secret: Data(repeating: 7, count: 16)) }
    }
}
