import Catalog
import Foundation
import MiniSupport
import Testing

/// Hexadecimal text of digests, tokens' hashes and ids.
struct HexTests {
    @Test("every byte, from contiguous and other sequences alike")
    func bytes() {
        let all = (0...255).map { UInt8($0) }
        let expected = all.map { String(format: "%02x", $0) }.joined()
        #expect(Hex.lowercase(all) == expected)
        #expect(Hex.lowercase(Data(all)) == expected)
        #expect(Hex.lowercase(all.lazy.map { $0 }) == expected, "a sequence without contiguous storage")
        #expect(Hex.lowercase([UInt8]()) == "")
        #expect(
            PackageReference.digest(of: Data("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
