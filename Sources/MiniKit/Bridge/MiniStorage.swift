import Foundation
import MiniSupport
import Synchronization

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
public final class InMemoryStorage: MiniStorage {
    private let values: Mutex<[String: MiniValue]>

    public init(_ values: [String: MiniValue] = [:]) { self.values = Mutex(values) }

    public func value(for key: String) -> MiniValue? { values.withLock { $0[key] } }
    public func setValue(_ value: MiniValue?, for key: String) { values.withLock { $0[key] = value } }
    public func removeAll() { values.withLock { $0.removeAll() } }
    public func usedBytes() -> Int {
        values.withLock { $0.reduce(0) { $0 + $1.key.utf8.count + $1.value.approximateSize } }
    }
    /// Everything stored, for tests.
    public var snapshot: [String: MiniValue] { values.withLock { $0 } }
}
