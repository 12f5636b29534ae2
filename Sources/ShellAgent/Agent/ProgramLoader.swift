import Foundation
import MiniKit
import Catalog

/// Turns launch tickets into loaded mini-programs, keeping the last few in memory by package hash: a
/// mini-program opened again is not parsed again (a 200 KB package takes tens of milliseconds to parse and
/// check; a hit costs a dictionary lookup). The gate still decides every launch first, so a recalled
/// mini-program is never served from here; `forget` drops one at once.
public final class ProgramLoader: @unchecked Sendable {
    private let lock = NSLock()
    private var programs: [String: MiniKit.MiniProgram] = [:]
    private var order: [String] = []
    private let capacity: Int

    public init(capacity: Int = 8) { self.capacity = max(1, capacity) }

    /// The program of a verified ticket, parsed and checked (once per package hash).
    public func program(for ticket: LaunchTicket) -> Result<MiniKit.MiniProgram, LaunchRefusal> {
        let key = ticket.entry.package.sha256
        if let cached = lock.withLock({ () -> MiniKit.MiniProgram? in
            guard let program = programs[key] else { return nil }
            order.removeAll { $0 == key }
            order.append(key)
            return program
        }) {
            return .success(cached)
        }
        let loaded = MiniKit.MiniProgram.load(package: ticket.package)
        guard let program = loaded.program else {
            return .failure(
                .verificationFailed("the package does not load: \(loaded.diagnostics.description.prefix(300))"))
        }
        lock.withLock {
            if programs[key] == nil { order.append(key) }
            programs[key] = program
            while order.count > capacity { programs[order.removeFirst()] = nil }
        }
        return .success(program)
    }

    /// Drops every cached program of a mini-program (a recall).
    public func forget(appId: String) {
        lock.withLock {
            let keys = programs.filter { $0.value.manifest.id == appId }.map(\.key)
            for key in keys { programs[key] = nil }
            order.removeAll { keys.contains($0) }
        }
    }
}
