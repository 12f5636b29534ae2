import Catalog
import Foundation
import Synchronization

/// A clock that moves only when a test moves it.
public final class ManualClock: CatalogClock {
    private let current: Mutex<Date>

    /// Starts at `start` (2026-11-25T12:00:00Z by default, so tests read the same everywhere).
    public init(_ start: Date = Date(timeIntervalSince1970: 1_795_608_000)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward (or back, with a negative interval).
    public func advance(by interval: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(interval) }
    }

    /// Sets the clock.
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
