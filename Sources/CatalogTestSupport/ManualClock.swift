import Catalog
import Foundation
import Synchronization

/// A clock that moves only when a test moves it. Sleepers wake when the clock is advanced (or set) past their
/// deadline, so time-dependent code is tested without waiting.
public final class ManualClock: CatalogClock {
    private struct Sleeper {
        var id: UInt64
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [Sleeper] = []
        var nextId: UInt64 = 0
    }

    private let state: Mutex<State>

    /// Starts at `start` (2026-11-25T12:00:00Z by default, so tests read the same everywhere).
    public init(_ start: Date = Date(timeIntervalSince1970: 1_795_608_000)) {
        state = Mutex(State(now: start))
    }

    public func now() -> Date { state.withLock { $0.now } }

    /// How many tasks are asleep on this clock (a test waits for a sleeper before it advances).
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(for duration: Duration) async throws {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let id = state.withLock { state in
            state.nextId += 1
            return state.nextId
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resume: CheckedContinuation<Void, any Error>? = state.withLock { state in
                    let deadline = state.now.addingTimeInterval(seconds)
                    if seconds <= 0 || Task.isCancelled { return continuation }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let resume {
                    if Task.isCancelled { resume.resume(throwing: CancellationError()) } else { resume.resume() }
                }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward (or back, with a negative interval), waking the sleepers whose time has come.
    public func advance(by interval: TimeInterval) {
        let woken = state.withLock { state in
            state.now = state.now.addingTimeInterval(interval)
            return Self.due(&state)
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// Sets the clock, waking the sleepers whose time has come.
    public func set(_ date: Date) {
        let woken = state.withLock { state in
            state.now = date
            return Self.due(&state)
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    private static func due(_ state: inout State) -> [Sleeper] {
        let now = state.now
        let due = state.sleepers.filter { $0.deadline <= now }
        state.sleepers.removeAll { $0.deadline <= now }
        return due
    }
}
