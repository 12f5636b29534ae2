/// Which connections the server holds and which of them wait for a request, as a pure state machine (the
/// channel handlers feed it events and carry out what it answers).
///
/// A connection that waits for a request costs a descriptor and buffers and gives nothing back: when the
/// table is full, or more connections wait than may, the one that has waited longest is closed to make
/// room, so an attacker's half-sent requests cannot keep a health check or a shell out, nor hold more memory
/// than `maximumWaiting` connections take. Connections in a request (an upload, an event stream) are never
/// shed; when every connection is in one, the newest is refused instead.
struct ConnectionTable {
    /// What the caller must do after an event.
    enum Action: Equatable {
        case none
        /// Close this connection (the longest-waiting one, or the new one when nothing can be shed).
        case close(ConnectionID)
    }

    private struct Entry {
        /// Raised each time the connection starts waiting, so stale queue items are recognised.
        var generation: UInt64
        var waiting: Bool
    }

    let capacity: Int
    let maximumWaiting: Int
    private(set) var waitingCount = 0
    private var entries: [ConnectionID: Entry] = [:]
    /// Waiting connections, oldest first; items whose generation is stale are skipped when popped.
    private var queue: [(id: ConnectionID, generation: UInt64)] = []
    private var queueStart = 0
    private var nextGeneration: UInt64 = 0

    init(capacity: Int, maximumWaiting: Int) {
        precondition(capacity > 0 && maximumWaiting > 0)
        self.capacity = capacity
        self.maximumWaiting = min(maximumWaiting, capacity)
    }

    var count: Int { entries.count }

    /// A connection was accepted: it waits for its first request. Over capacity, one connection must go.
    mutating func opened(_ id: ConnectionID) -> Action {
        entries[id] = Entry(generation: 0, waiting: false)
        startWaiting(id)
        return shedIfFull(newest: id)
    }

    /// A request head arrived: the connection is busy until its response ends.
    mutating func requestStarted(_ id: ConnectionID) {
        guard entries[id]?.waiting == true else { return }
        entries[id]?.waiting = false
        waitingCount -= 1
    }

    /// The response ended: the connection waits for its next request (HTTP keep-alive).
    mutating func responseEnded(_ id: ConnectionID) -> Action {
        guard entries[id]?.waiting == false else { return .none }
        startWaiting(id)
        return shedIfFull(newest: id)
    }

    /// Over capacity or over the waiting limit: the connection waiting longest goes, else `newest`.
    private mutating func shedIfFull(newest: ConnectionID) -> Action {
        guard entries.count > capacity || waitingCount > maximumWaiting else { return .none }
        while queueStart < queue.count {
            let item = queue[queueStart]
            queueStart += 1
            compactQueue()
            guard item.id != newest, let entry = entries[item.id], entry.waiting, entry.generation == item.generation
            else { continue }
            // Forgotten at once: its close is under way, and it must not be counted or chosen again.
            closed(item.id)
            return .close(item.id)
        }
        closed(newest)
        return .close(newest)
    }

    /// The connection is gone.
    mutating func closed(_ id: ConnectionID) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        if entry.waiting { waitingCount -= 1 }
        compactQueue()
    }

    private mutating func startWaiting(_ id: ConnectionID) {
        waitingCount += 1
        nextGeneration &+= 1
        entries[id]?.generation = nextGeneration
        entries[id]?.waiting = true
        queue.append((id, nextGeneration))
    }

    /// Drops consumed and stale items once they are most of the queue, so it stays proportional to the table.
    private mutating func compactQueue() {
        guard queue.count > 64, queueStart > queue.count / 2 || queue.count > 4 * max(entries.count, 16) else {
            return
        }
        queue = queue[queueStart...].filter { item in
            entries[item.id].map { $0.waiting && $0.generation == item.generation } ?? false
        }
        queueStart = 0
    }
}

/// A connection's number in the ``ConnectionTable``.
struct ConnectionID: Hashable, Sendable {
    var rawValue: UInt64
}
