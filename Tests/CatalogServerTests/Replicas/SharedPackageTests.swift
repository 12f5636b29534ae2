import CatalogPostgres
import CatalogServer
import CatalogTestSupport
import Foundation
import ServerTestSupport
import Testing

/// Package bytes in PostgreSQL: any replica serves what another stored, through its own read cache.
struct SharedPackageTests {
    @Test("stored through replica A, served by B from the database, then from B's folder; corrupt bytes are refused")
    func acrossReplicas() async throws {
        let cluster = try await offload { try PostgresTestCluster.shared() }
        let address = try await offload { try cluster.database() }
        let store = try await PostgresCatalogStore.connect(address)
        defer { store.close() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shared-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let replicaA = try PackageStore(dataDirectory: folder.appendingPathComponent("a"), shared: store)
        let replicaB = try PackageStore(dataDirectory: folder.appendingPathComponent("b"), shared: store)
        let bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let digest = try await replicaA.put(bytes)
        #expect(try await replicaA.put(bytes) == digest, "stored once")
        #expect(try FileManager.default.contentsOfDirectory(atPath: replicaB.directory.path).isEmpty)
        #expect(try await replicaB.get(digest) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: replicaB.directory.path) == ["\(digest).zip"])
        #expect(try await replicaB.get(String(repeating: "0", count: 64)) == nil)

        // The database's copy is damaged; a replica without a cached copy refuses to serve (or cache) it.
        try await offload {
            try cluster.execute(
                "UPDATE package SET bytes = 'not the package'::bytea WHERE sha256 = '\(digest)'", in: address.database)
        }
        let replicaC = try PackageStore(dataDirectory: folder.appendingPathComponent("c"), shared: store)
        await #expect(throws: CorruptPackage.self) { _ = try await replicaC.get(digest) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: replicaC.directory.path).isEmpty)
    }

    @Test("only packages that no version names and that are older than the age given are removed")
    func unnamed() async throws {
        let address = try await offload { try PostgresTestCluster.shared().database() }
        let store = try await PostgresCatalogStore.connect(address)
        defer { store.close() }
        try await ListingStoreContractTests.prepare(store)
        let named = String(repeating: "cd", count: 32)  // the version `prepare` added names it
        try await store.savePackage(Data("named".utf8), sha256: named)
        try await store.savePackage(Data("cut off".utf8), sha256: String(repeating: "ab", count: 32))
        #expect(try await store.removeUnnamedPackages(olderThan: 3600, now: Date()) == 0, "both younger than an hour")
        #expect(try await store.removeUnnamedPackages(olderThan: 3600, now: Date().addingTimeInterval(7200)) == 1)
        #expect(try await store.package(sha256: named) == Data("named".utf8))
        #expect(try await store.package(sha256: String(repeating: "ab", count: 32)) == nil)
    }
}
