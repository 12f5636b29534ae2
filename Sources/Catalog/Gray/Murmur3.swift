/// MurmurHash3 x86 32-bit, the hash Unleash uses to put users in buckets.
public enum Murmur3 {
    /// Hashes the UTF-8 bytes of `prefix`, then `":"`, then `value`, without building the joined string.
    @inlinable
    public static func hash32(prefix: String, value: String, seed: UInt32) -> UInt32 {
        var hasher = Hasher32(seed: seed)
        hasher.feed(prefix)
        hasher.feed(0x3A)
        hasher.feed(value)
        return hasher.finalize()
    }

    /// Hashes a byte sequence.
    public static func hash32(_ bytes: some Sequence<UInt8>, seed: UInt32) -> UInt32 {
        var hasher = Hasher32(seed: seed)
        for byte in bytes { hasher.feed(byte) }
        return hasher.finalize()
    }

    /// An incremental MurmurHash3 x86_32 over bytes fed one at a time or a string at a time.
    @usableFromInline
    struct Hasher32 {
        @usableFromInline var h: UInt32
        @usableFromInline var block: UInt32 = 0
        @usableFromInline var pending = 0
        @usableFromInline var length = 0

        @inlinable init(seed: UInt32) { h = seed }

        @inlinable
        mutating func feed(_ string: String) {
            var string = string
            string.withUTF8 { buffer in
                for byte in buffer { feed(byte) }
            }
        }

        @inlinable
        mutating func feed(_ byte: UInt8) {
            block |= UInt32(byte) << (8 * UInt32(pending))
            pending += 1
            length += 1
            if pending == 4 {
                h ^= Self.mix(block)
                h = (h << 13) | (h >> 19)
                h = h &* 5 &+ 0xE654_6B64
                block = 0
                pending = 0
            }
        }

        @inlinable
        static func mix(_ k: UInt32) -> UInt32 {
            var k = k &* 0xCC9E_2D51
            k = (k << 15) | (k >> 17)
            return k &* 0x1B87_3593
        }

        @inlinable
        func finalize() -> UInt32 {
            var h = self.h
            if pending > 0 { h ^= Self.mix(block) }
            h ^= UInt32(truncatingIfNeeded: length)
            h ^= h >> 16
            h = h &* 0x85EB_CA6B
            h ^= h >> 13
            h = h &* 0xC2B2_AE35
            h ^= h >> 16
            return h
        }
    }
}

/// Unleash's bucketing: `murmur3("groupId:id", seed) % normalizer + 1`.
public enum GrayBucket {
    /// The seed of strategy bucketing (percentages, 1...100).
    public static let strategySeed: UInt32 = 0
    /// The seed of variant bucketing, so that variant and rollout buckets are independent.
    public static let variantSeed: UInt32 = 86_028_157

    /// A bucket in `1...normalizer`.
    @inlinable
    public static func normalized(_ id: String, groupId: String, normalizer: UInt32 = 100, seed: UInt32 = strategySeed)
        -> Int
    {
        Int(Murmur3.hash32(prefix: groupId, value: id, seed: seed) % normalizer) + 1
    }
}
