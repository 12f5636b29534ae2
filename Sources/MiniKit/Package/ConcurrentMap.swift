import Foundation
import Synchronization

/// `body` for every position in `0..<count`, on all cores when `concurrently`, in order otherwise; the results
/// come back by position, however the work was spread.
func concurrentMap<Value: Sendable>(
    _ count: Int, concurrently: Bool = true, _ body: @Sendable (Int) -> Value
) -> [Value] {
    guard concurrently else { return (0..<count).map(body) }
    let slots = Slots<Value>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { index in slots.store(index, body(index)) }
    return slots.values
}

/// Results stored by position from several threads.
private final class Slots<Value: Sendable>: Sendable {
    private let slots: Mutex<[Value?]>

    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    /// Every result; each position was stored once.
    var values: [Value] { slots.withLock { $0.map { $0! } } }

    func store(_ index: Int, _ value: Value) {
        slots.withLock { $0[index] = value }
    }
}
