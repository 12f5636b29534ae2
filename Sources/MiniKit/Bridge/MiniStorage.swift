import Foundation
import MiniSupport

/// Key–value storage for one (user, mini-program). The host implements it (the shell keeps it on disk);
/// MiniKit enforces the quota on its side of the bridge.
public protocol MiniStorage: Sendable {
    func value(for key: String) -> MiniValue?
    func setValue(_ value: MiniValue?, for key: String)
    func removeAll()
    /// Bytes used, measured as JSON of keys and values.
    func usedBytes() -> Int
}

/// Storage in memory, for previews and tests.
public final class InMemoryStorage: MiniStorage, @unchecked Sendable {
    private var values: [String: MiniValue]
    private let lock = NSLock()

    public init(_ values: [String: MiniValue] = [:]) { self.values = values }

    public func value(for key: String) -> MiniValue? { lock.withLock { values[key] } }
    public func setValue(_ value: MiniValue?, for key: String) { lock.withLock { values[key] = value } }
    public func removeAll() { lock.withLock { values.removeAll() } }
    public func usedBytes() -> Int {
        lock.withLock { values.reduce(0) { $0 + $1.key.utf8.count + $1.value.approximateSize } }
    }
    /// Everything stored, for tests.
    public var snapshot: [String: MiniValue] { lock.withLock { values } }
}
