import Foundation

/// Where time comes from. Injected everywhere time decides something (expiry, skew, DATE constraints), so
/// that tests set the time instead of sleeping.
public protocol CatalogClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The system's wall clock.
public struct SystemClock: CatalogClock {
    public init() {}
    public func now() -> Date { Date() }
}
