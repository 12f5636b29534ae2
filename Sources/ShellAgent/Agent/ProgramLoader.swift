import Catalog
import Foundation
import MiniKit
import Synchronization

/// Turns launch tickets into loaded mini-programs, keeping the last few in memory by package hash: a
/// mini-program opened again is not parsed again (a 200 KB package takes tens of milliseconds to parse and
/// check; a hit costs a dictionary lookup). The gate still decides every launch first, so a recalled
/// mini-program is never served from here; `forget` drops one at once.
public final class ProgramLoader: Sendable {
    private struct Cache {
        var programs: [String: MiniKit.MiniProgram] = [:]
        /// Package hashes, least recently used first.
        var order: [String] = []
    }

    private let cache = Mutex(Cache())
    private let capacity: Int

    public init(capacity: Int = 8) { self.capacity = max(1, capacity) }

    /// The program of a verified ticket, parsed and checked (once per package hash).
    public func program(for ticket: LaunchTicket) -> Result<MiniKit.MiniProgram, LaunchRefusal> {
        let key = ticket.entry.package.sha256
        let hit = cache.withLock { cache -> MiniKit.MiniProgram? in
            guard let program = cache.programs[key] else { return nil }
            cache.order.removeAll { $0 == key }
            cache.order.append(key)
            return program
        }
        if let hit { return .success(hit) }
        let loaded = MiniKit.MiniProgram.load(package: ticket.package)
        guard let program = loaded.program else {
            return .failure(
                .verificationFailed("the package does not load: \(loaded.diagnostics.description.prefix(300))"))
        }
        cache.withLock { cache in
            if cache.programs[key] == nil { cache.order.append(key) }
            cache.programs[key] = program
            while cache.order.count > capacity { cache.programs[cache.order.removeFirst()] = nil }
        }
        return .success(program)
    }

    /// Drops every cached program of a mini-program (a recall).
    public func forget(appId: String) {
        cache.withLock { cache in
            let keys = cache.programs.filter { $0.value.manifest.id == appId }.map(\.key)
            for key in keys { cache.programs[key] = nil }
            cache.order.removeAll { keys.contains($0) }
        }
    }
}
