import Foundation
import MiniSupport
import Synchronization

/// Key–value storage for one (user, mini-program), kept by the host (the shell keeps it on disk). The runtime
/// reads it once when it starts and then works on its own copy: every change it makes leaves as a
/// ``RuntimeEffect/storage(_:)`` effect, which the host persists (``HostBridge/persist(_:)``). MiniKit enforces
/// the quota on its copy.
public protocol MiniStorage: Sendable {
    /// Everything stored, for the runtime to start from.
    func load() -> [String: MiniValue]
    /// Persists one change the runtime made.
    func apply(_ change: StorageChange)
}

/// One change to a mini-program's storage.
public enum StorageChange: Sendable, Hashable {
    case set(key: String, value: MiniValue)
    case remove(key: String)
    case clear
}

/// Storage in memory, for previews and tests.
public final class InMemoryStorage: MiniStorage {
    private let values: Mutex<[String: MiniValue]>

    public init(_ values: [String: MiniValue] = [:]) { self.values = Mutex(values) }

    public func load() -> [String: MiniValue] { values.withLock { $0 } }

    public func apply(_ change: StorageChange) {
        values.withLock { values in
            switch change {
            case .set(let key, let value): values[key] = value
            case .remove(let key): values[key] = nil
            case .clear: values.removeAll()
            }
        }
    }

    /// Applies the storage effects among `effects`, as a host would.
    public func apply(_ effects: [RuntimeEffect]) {
        for case .storage(let change) in effects { apply(change) }
    }

    /// Everything stored, for tests.
    public var snapshot: [String: MiniValue] { load() }
}
