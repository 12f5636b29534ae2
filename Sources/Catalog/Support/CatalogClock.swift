import Foundation

/// Where time comes from. Injected everywhere time decides something (expiry, skew, DATE constraints, backoff),
/// so that tests set and advance the time instead of sleeping.
public protocol CatalogClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Suspends for `duration` of this clock's time: real time for the system clock, until a test advances a
    /// manual one. Throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

extension CatalogClock {
    /// Real time, for clocks that follow the system's (shifted or not).
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

/// The system's wall clock.
public struct SystemClock: CatalogClock {
    public init() {}
    public func now() -> Date { Date() }
}
