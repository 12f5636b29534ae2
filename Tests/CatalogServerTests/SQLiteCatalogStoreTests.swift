import Catalog
import CatalogServer
import Foundation
import MiniKit
import Testing

struct SQLiteCatalogStoreTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("catalogd-\(UUID().uuidString)")
    }

    @Test("host apps and the audit log persist across reopening the database")
    func persistence() async throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let store = try SQLiteCatalogStore(directory: directory)
            try await store.saveHostApp(
                HostApp(
                    id: "mbank", name: "Mobile banking", minimumShellVersion: SemanticVersion("7.2.0"),
                    expiryGraceSeconds: 600))
            try await store.saveHostApp(HostApp(id: "car", name: "Car head unit", active: false))
            try await store.saveHostApp(
                HostApp(
                    id: "mbank", name: "Mobile banking 7", minimumShellVersion: SemanticVersion("7.2.0"),
                    expiryGraceSeconds: 600))
            try await store.appendAudit(
                AuditEntry(
                    at: Date(timeIntervalSince1970: 1), actor: "ops-1", action: "delist", target: "car-insurance@mbank",
                    reason: "licence"))
            try await store.appendAudit(
                AuditEntry(
                    at: Date(timeIntervalSince1970: 2), actor: "ops-2", action: "relist", target: "car-insurance@mbank")
            )
        }
        let reopened = try SQLiteCatalogStore(directory: directory)
        #expect(try await reopened.hostApps().map(\.id) == ["car", "mbank"])
        let mbank = try #require(try await reopened.hostApp(id: "mbank"))
        #expect(
            mbank
                == HostApp(
                    id: "mbank", name: "Mobile banking 7", minimumShellVersion: SemanticVersion("7.2.0"),
                    expiryGraceSeconds: 600))
        #expect(try await reopened.hostApp(id: "car")?.active == false)
        #expect(try await reopened.hostApp(id: "kiosk") == nil)
        let audit = try await reopened.auditLog(limit: 10)
        #expect(audit.map(\.action) == ["relist", "delist"])
        #expect(audit.last?.reason == "licence")
        #expect(try await reopened.auditLog(limit: 1).count == 1)
        try await reopened.ping()
    }

    @Test("the signing key is created once and then reused")
    func keyring() throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: KeyError.self) { try ServerKeyring.load(from: directory) }
        let (first, created) = try ServerKeyring.loadOrCreate(in: directory)
        #expect(created)
        let (second, createdAgain) = try ServerKeyring.loadOrCreate(in: directory)
        #expect(!createdAgain)
        #expect(first.signingKey.keyID == second.signingKey.keyID)
        #expect(try ServerKeyring.load(from: directory).signingKey.keyID == first.signingKey.keyID)
    }
}
