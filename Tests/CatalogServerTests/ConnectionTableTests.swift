import Foundation
import Testing

@testable import CatalogServer

/// The connection table: who is shed when the server is full.
struct ConnectionTableTests {
    private func id(_ number: UInt64) -> ConnectionID { ConnectionID(rawValue: number) }

    @Test("Under capacity nothing is closed; over it, the connection waiting longest goes")
    func shedsTheOldestWaiting() {
        var table = ConnectionTable(capacity: 3, maximumWaiting: 3)
        #expect(table.opened(id(1)) == .none)
        #expect(table.opened(id(2)) == .none)
        #expect(table.opened(id(3)) == .none)
        #expect(table.opened(id(4)) == .close(id(1)))
        #expect(table.count == 3)
        #expect(table.opened(id(5)) == .close(id(2)))
        #expect(table.waitingCount == 3)
    }

    @Test("A connection in a request is never shed; when every other one is busy, the new one is refused")
    func busyConnectionsStay() {
        var table = ConnectionTable(capacity: 2, maximumWaiting: 2)
        _ = table.opened(id(1))
        _ = table.opened(id(2))
        table.requestStarted(id(1))
        table.requestStarted(id(2))
        #expect(table.opened(id(3)) == .close(id(3)))
        #expect(table.count == 2)
        #expect(table.waitingCount == 0)
        // A response ends: that connection waits again, and is the one to go next.
        #expect(table.responseEnded(id(2)) == .none)
        #expect(table.opened(id(4)) == .close(id(2)))
    }

    @Test("Waiting again puts a connection at the back of the line")
    func keepAliveRequeues() {
        var table = ConnectionTable(capacity: 2, maximumWaiting: 2)
        _ = table.opened(id(1))
        _ = table.opened(id(2))
        table.requestStarted(id(1))
        #expect(table.responseEnded(id(1)) == .none)
        #expect(table.opened(id(3)) == .close(id(2)))
        #expect(table.opened(id(4)) == .close(id(1)))
    }

    @Test("At most maximumWaiting connections wait, however many the table holds")
    func waitingIsCappedSeparately() {
        var table = ConnectionTable(capacity: 100, maximumWaiting: 2)
        _ = table.opened(id(1))
        table.requestStarted(id(1))
        _ = table.opened(id(2))
        _ = table.opened(id(3))
        #expect(table.opened(id(4)) == .close(id(2)))
        #expect(table.count == 3)
        #expect(table.waitingCount == 2)
        // A keep-alive connection that starts waiting again counts too.
        #expect(table.responseEnded(id(1)) == .close(id(3)))
        #expect(table.waitingCount == 2)
    }

    @Test("Closing twice, or closing what the table gave up, changes nothing")
    func closingIsIdempotent() {
        var table = ConnectionTable(capacity: 1, maximumWaiting: 1)
        _ = table.opened(id(1))
        #expect(table.opened(id(2)) == .close(id(1)))
        table.closed(id(1))
        table.closed(id(1))
        #expect(table.count == 1)
        #expect(table.waitingCount == 1)
        table.closed(id(2))
        #expect(table.count == 0)
        #expect(table.waitingCount == 0)
        table.requestStarted(id(2))
        #expect(table.responseEnded(id(2)) == .none)
        #expect(table.count == 0)
    }

    @Test("Thousands of connections through a small table keep it and its line bounded")
    func churn() {
        var table = ConnectionTable(capacity: 10, maximumWaiting: 5)
        var open: [UInt64] = []
        for number in UInt64(1)...20_000 {
            if case .close(let victim) = table.opened(id(number)) {
                open.removeAll { $0 == victim.rawValue }
                if victim.rawValue != number { open.append(number) }
            } else {
                open.append(number)
            }
            if number % 3 == 0, let first = open.first {
                table.requestStarted(id(first))
                if number % 2 == 0, case .close(let victim) = table.responseEnded(id(first)) {
                    open.removeAll { $0 == victim.rawValue }
                }
            }
            if number % 7 == 0, !open.isEmpty {
                table.closed(id(open.removeLast()))
            }
            #expect(table.count <= 10)
            #expect(table.waitingCount <= 5)
        }
        #expect(table.count == open.count)
    }
}

/// The token buckets that pace enrolment.
struct RateLimiterTests {
    @Test("a burst, then one per earned token; keys are independent; the wait is how long a token takes")
    func buckets() {
        var limiter = RateLimiter(perSecond: 2, burst: 3)
        let start = Date(timeIntervalSince1970: 1_000)
        for _ in 0..<3 { #expect(limiter.spend("a", at: start) == nil) }
        #expect(limiter.spend("a", at: start) == 0.5)
        #expect(limiter.spend("b", at: start) == nil, "another key has its own bucket")
        #expect(limiter.spend("a", at: start.addingTimeInterval(0.5)) == nil)
        #expect(limiter.spend("a", at: start.addingTimeInterval(0.5)) != nil)
        // Refilled, but never above the burst.
        for _ in 0..<3 { #expect(limiter.spend("a", at: start.addingTimeInterval(100)) == nil) }
        #expect(limiter.spend("a", at: start.addingTimeInterval(100)) != nil)
    }

    @Test("however many keys come, the limiter holds at most its limit of them; the newest stay limited")
    func boundedKeys() {
        var limiter = RateLimiter(perSecond: 0.001, burst: 2, maximumKeys: 100)
        let start = Date(timeIntervalSince1970: 1_000)
        for index in 0..<10_000 {
            let at = start.addingTimeInterval(Double(index) / 1_000)
            #expect(limiter.spend("k\(index)", at: at) == nil)
            #expect(limiter.count <= 100)
        }
        let now = start.addingTimeInterval(10)
        #expect(limiter.spend("k9999", at: now) == nil)
        #expect(limiter.spend("k9999", at: now) != nil, "a recent key keeps its bucket")
    }
}
