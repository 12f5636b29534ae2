import Catalog
import Testing

struct Murmur3Tests {
    @Test(
        "published MurmurHash3 x86_32 vectors",
        arguments: [
            ("", UInt32(0), UInt32(0)), ("", 1, 0x514E_28B7), ("", 0xFFFF_FFFF, 0x81F1_6F39),
            ("hello", 0, 0x248B_FA47), ("Hello, world!", 0x9747_B28C, 0x2488_4CBA),
            ("The quick brown fox jumps over the lazy dog", 0, 0x2E4F_F723), ("abc", 0, 0xB3DD_93FA),
            ("abcd", 0, 0x43ED_676A), ("abcde", 0, 0xE89B_9AF6),
        ])
    func vectors(_ text: String, _ seed: UInt32, _ expected: UInt32) {
        #expect(Murmur3.hash32(Array(text.utf8), seed: seed) == expected)
    }

    @Test("hashing prefix:value equals hashing the joined string")
    func prefixedHash() {
        for (group, id) in [("g", "u1"), ("Feature.flexibleRollout.10", "174"), ("车险", "用户-7"), ("", "")] {
            #expect(
                Murmur3.hash32(prefix: group, value: id, seed: 0)
                    == Murmur3.hash32(Array("\(group):\(id)".utf8), seed: 0))
        }
    }

    @Test("buckets stay within 1...normalizer")
    func bucketRange() {
        for index in 0..<2_000 {
            let bucket = GrayBucket.normalized("user-\(index)", groupId: "group")
            #expect((1...100).contains(bucket))
        }
    }
}
