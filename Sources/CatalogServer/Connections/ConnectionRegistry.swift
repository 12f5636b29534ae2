import Hummingbird
import HummingbirdCore
import NIOCore
import Synchronization

/// The server's open connections, shared by every event loop: a ``ConnectionTable`` behind a lock, and the
/// channels it may have to close.
final class ConnectionRegistry: Sendable {
    private struct State {
        var table: ConnectionTable
        var channels: [ConnectionID: any Channel] = [:]
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>
    let limits: ConnectionLimits

    init(limits: ConnectionLimits) {
        self.limits = limits
        state = Mutex(
            State(table: ConnectionTable(capacity: limits.maximumConnections, maximumWaiting: limits.maximumWaiting)))
    }

    /// Registers a new connection; closes the connection the table gives up, if any.
    func opened(_ channel: any Channel) -> ConnectionID {
        let (id, action) = state.withLock { state in
            state.nextID += 1
            let id = ConnectionID(rawValue: state.nextID)
            state.channels[id] = channel
            let action = state.table.opened(id)
            return (id, action)
        }
        carryOut(action)
        return id
    }

    func requestStarted(_ id: ConnectionID) { state.withLock { $0.table.requestStarted(id) } }

    func responseEnded(_ id: ConnectionID) {
        carryOut(state.withLock { $0.table.responseEnded(id) })
    }

    private func carryOut(_ action: ConnectionTable.Action) {
        if case .close(let victim) = action {
            state.withLock { $0.channels[victim] }?.close(promise: nil)
        }
    }

    func closed(_ id: ConnectionID) {
        state.withLock { state in
            state.table.closed(id)
            state.channels[id] = nil
        }
    }

    /// How many connections are open.
    var count: Int { state.withLock { $0.table.count } }

    /// Stops accepting when far over the limit (every connection busy in a request): the listening socket's
    /// backlog holds the rest, so the process never runs out of descriptors.
    var acceptingDelegate: some AvailableConnectionsDelegate { Accepting(registry: self) }

    private struct Accepting: AvailableConnectionsDelegate {
        let registry: ConnectionRegistry
        // The registry counts connections itself (its handlers see each open and close): nothing to do here.
        mutating func connectionOpened() {}
        mutating func connectionClosed() {}
        func isAcceptingNewConnections() -> Bool {
            registry.count < registry.limits.maximumConnections + 256
        }
    }
}
