import CatalogPostgres
import CatalogServer
import CatalogTestSupport
import Foundation
import ServerTestSupport
import Testing

/// The two engines behind ``CatalogStore``: every contract test runs against each. PostgreSQL is a real server
/// (a throwaway cluster of this test process, a fresh database per test): when it cannot start, the tests fail
/// saying why.
enum StoreEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// Opens the same database again, as a restarted or a second replica would.
    typealias Reopen = @Sendable () async throws -> any CatalogStore

    /// Runs `body` with a new, empty store of this engine and a way to open its database again.
    func withStore(_ body: (any CatalogStore, Reopen) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "contract-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(try SQLiteCatalogStore(directory: directory)) {
                try SQLiteCatalogStore(directory: directory)
            }
        case .postgres:
            let address = try await offload { try PostgresTestCluster.shared().database() }
            let opened = OpenStores()
            defer { opened.closeAll() }
            let store = try await PostgresCatalogStore.connect(address)
            opened.add(store)
            try await body(store) {
                let again = try await PostgresCatalogStore.connect(address)
                opened.add(again)
                return again
            }
        }
    }
}

/// The PostgreSQL stores a test opened, closed when it ends.
final class OpenStores: @unchecked Sendable {
    private let lock = NSLock()
    private var stores: [PostgresCatalogStore] = []

    func add(_ store: PostgresCatalogStore) { lock.withLock { stores.append(store) } }
    func closeAll() { lock.withLock { for store in stores { store.close() } } }
}
