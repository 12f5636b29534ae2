import Foundation

/// Secrets already looked up in the store (host keys, device tokens), by their hash: a hit is trusted for
/// ``recheck`` seconds, then read again, so a key replaced or a device revoked by another replica stops
/// working within seconds without a database read per request. Bounded: at `limit` entries it starts over.
struct CheckedSecrets<Value: Sendable>: Sendable {
    static var recheck: TimeInterval { 5 }

    private var entries: [String: (value: Value, checked: Date)] = [:]
    let limit: Int
    /// Raised by every forgetting: a store read that began before one is not kept (it may be what was forgotten).
    private(set) var epoch: UInt64 = 0

    init(limit: Int) { self.limit = limit }

    /// The value checked less than ``recheck`` seconds ago, if any.
    func fresh(_ hash: String, now: Date) -> Value? {
        guard let entry = entries[hash], now.timeIntervalSince(entry.checked) < Self.recheck else { return nil }
        return entry.value
    }

    /// Records what the store said (nil: no such secret), read since `epoch`; nothing when something was
    /// forgotten meanwhile.
    mutating func record(_ value: Value?, for hash: String, now: Date, readSince epoch: UInt64) {
        guard epoch == self.epoch else { return }
        guard let value else {
            entries[hash] = nil
            return
        }
        if entries.count >= limit { entries.removeAll() }
        entries[hash] = (value, now)
    }

    /// Forgets the entry of one hash.
    mutating func forget(_ hash: String) {
        epoch &+= 1
        entries[hash] = nil
    }

    /// Forgets every entry whose value matches (a key replaced, a device revoked in this process).
    mutating func forget(where matches: (Value) -> Bool) {
        epoch &+= 1
        entries = entries.filter { !matches($0.value.value) }
    }
}
