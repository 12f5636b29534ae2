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
    /// Above this many keys, full buckets are forgotten (they are as good as new ones), then the least
    /// recently used, down to three quarters: memory stays bounded however many addresses an attacker uses.
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
        let target = maximumKeys * 3 / 4
        guard buckets.count > target else { return }
        let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(buckets.count - target)
        for (key, _) in oldest { buckets[key] = nil }
    }
}

/// How fast devices may enrol: a burst, then a steady rate, per host app and per peer address.
public struct EnrolmentRates: Sendable, Hashable {
    public var perHost: (burst: Double, perSecond: Double)
    public var perAddress: (burst: Double, perSecond: Double)

    /// A fleet enrols over days, not in a burst: 1,000 at once and 50 a second per host; one address (a NAT
    /// may hide many devices) 100 at once and 2 a second.
    public init(
        perHost: (burst: Double, perSecond: Double) = (1_000, 50),
        perAddress: (burst: Double, perSecond: Double) = (100, 2)
    ) {
        self.perHost = perHost
        self.perAddress = perAddress
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.perHost == rhs.perHost && lhs.perAddress == rhs.perAddress
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(perHost.burst)
        hasher.combine(perHost.perSecond)
        hasher.combine(perAddress.burst)
        hasher.combine(perAddress.perSecond)
    }
}

/// The enrolment limits in force: token buckets per host app and per peer address.
actor EnrolmentLimits {
    private var hosts: RateLimiter
    private var addresses: RateLimiter

    init(_ rates: EnrolmentRates) {
        hosts = RateLimiter(perSecond: rates.perHost.perSecond, burst: rates.perHost.burst)
        addresses = RateLimiter(perSecond: rates.perAddress.perSecond, burst: rates.perAddress.burst)
    }

    /// Nil when the enrolment may go ahead, else the seconds to wait.
    func admit(host: String, address: String?, at now: Date) -> TimeInterval? {
        if let address, let wait = addresses.spend(address, at: now) { return wait }
        return hosts.spend(host, at: now)
    }
}
