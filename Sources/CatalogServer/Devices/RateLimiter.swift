import Foundation

/// Token buckets by key (a host app, a peer address): each key may spend `burst` at once and earns `rate`
/// more per second. A pure value; the caller keeps it behind an actor and passes the time.
struct RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    let rate: Double
    let burst: Double
    /// Above this many keys, full buckets are forgotten (they are as good as new ones).
    let maximumKeys: Int
    private var buckets: [String: Bucket] = [:]

    init(perSecond rate: Double, burst: Double, maximumKeys: Int = 100_000) {
        self.rate = rate
        self.burst = burst
        self.maximumKeys = maximumKeys
    }

    /// Spends one token of `key`: nil when allowed, else how long until one is earned.
    mutating func spend(_ key: String, at now: Date) -> TimeInterval? {
        var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
        bucket.tokens = min(burst, bucket.tokens + max(0, now.timeIntervalSince(bucket.updated)) * rate)
        bucket.updated = now
        guard bucket.tokens >= 1 else {
            buckets[key] = bucket
            return (1 - bucket.tokens) / rate
        }
        bucket.tokens -= 1
        buckets[key] = bucket
        if buckets.count > maximumKeys { forgetFull(at: now) }
        return nil
    }

    var count: Int { buckets.count }

    private mutating func forgetFull(at now: Date) {
        buckets = buckets.filter { $0.value.tokens + now.timeIntervalSince($0.value.updated) * rate < burst }
    }
}

/// The enrolment limits: per host app and per peer address.
actor EnrolmentLimits {
    /// A fleet enrols over days, not in a burst: 20 a second per host after a burst of 200.
    private var hosts = RateLimiter(perSecond: 20, burst: 200)
    /// One address (a NAT may hide many devices) gets a burst of 30 and one a second.
    private var addresses = RateLimiter(perSecond: 1, burst: 30)

    /// Nil when the enrolment may go ahead, else the seconds to wait.
    func admit(host: String, address: String?, at now: Date) -> TimeInterval? {
        if let address, let wait = addresses.spend(address, at: now) { return wait }
        return hosts.spend(host, at: now)
    }
}
