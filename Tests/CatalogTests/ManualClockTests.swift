import Catalog
import CatalogTestSupport
import Foundation
import Testing

/// The test clock: sleepers wake when it is advanced past their deadline, never on their own.
struct ManualClockTests {
    @Test("a sleeper wakes when the clock passes its deadline, not before")
    func wakesOnAdvance() async throws {
        let clock = ManualClock()
        let start = clock.now()
        let sleeper = Task {
            try await clock.sleep(for: .seconds(10))
            return clock.now()
        }
        while clock.sleeperCount == 0 { await Task.yield() }
        clock.advance(by: 9)
        #expect(clock.sleeperCount == 1, "nine seconds are not ten")
        clock.advance(by: 1)
        let woke = try await sleeper.value
        #expect(woke == start.addingTimeInterval(10))
        #expect(clock.sleeperCount == 0)
    }

    @Test("setting the clock wakes every sleeper due; a zero sleep returns at once")
    func setAndZero() async throws {
        let clock = ManualClock()
        try await clock.sleep(for: .zero)
        let sleepers = (1...3).map { index in
            Task { try await clock.sleep(for: .seconds(index * 60)) }
        }
        while clock.sleeperCount < 3 { await Task.yield() }
        clock.set(clock.now().addingTimeInterval(120))
        try await sleepers[0].value
        try await sleepers[1].value
        #expect(clock.sleeperCount == 1)
        clock.advance(by: 60)
        try await sleepers[2].value
    }

    @Test("cancelling a sleeper ends its sleep with CancellationError")
    func cancellation() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(3600)) }
        while clock.sleeperCount == 0 { await Task.yield() }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleeperCount == 0)
    }
}
