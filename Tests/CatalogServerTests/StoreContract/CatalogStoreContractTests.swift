import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import Testing

/// The store contract, aggregate by aggregate: the same tests against SQLite and PostgreSQL.
struct CatalogStoreContractTests {
    static let at = Date(timeIntervalSince1970: 1_796_515_200)

    static func audit(_ action: String, _ target: String = "t") -> AuditEntry {
        AuditEntry(at: at, actor: "ops-1", action: action, target: target, reason: "because")
    }

    @Test(
        "hosts: created once with their key, replaced and updated column by column, kept across a reopen",
        arguments: StoreEngine.allCases)
    func hosts(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, reopen in
            let key = SigningKey.generate().verificationKey.base64
            let mbank = HostApp(
                id: "mbank", name: "Mobile banking", minimumShellVersion: SemanticVersion("7.2.0"),
                expiryGraceSeconds: 600, userKeys: [key], clientProperties: ["beta"])
            #expect(try await store.createHostApp(mbank, keyHash: "hash-1", audit: Self.audit("host.create")))
            #expect(try await !store.createHostApp(mbank, keyHash: "hash-2", audit: nil), "the id exists")
            #expect(try await store.host(forKeyHash: "hash-1") == "mbank")
            #expect(try await store.host(forKeyHash: "hash-2") == nil)
            try await store.setHostKey(hostId: "mbank", hash: "hash-3", audit: nil)
            #expect(try await store.host(forKeyHash: "hash-1") == nil)
            #expect(try await store.host(forKeyHash: "hash-3") == "mbank")
            try await store.saveHostApp(HostApp(id: "carunit", name: "Car", active: false), audit: nil)
            #expect(try await store.hostApps().map(\.id) == ["carunit", "mbank"])
            #expect(try await store.setUserTrust(hostId: "mbank", userKeys: [], clientProperties: [], audit: nil))
            #expect(try await store.setHostActive(hostId: "carunit", active: true, audit: nil))
            #expect(try await !store.setHostActive(hostId: "kiosk", active: true, audit: nil))
            let reopened = try await reopen()
            let stored = try #require(try await reopened.hostApp(id: "mbank"))
            #expect(stored.minimumShellVersion == SemanticVersion("7.2.0") && stored.expiryGraceSeconds == 600)
            #expect(stored.userKeys.isEmpty && stored.clientProperties.isEmpty && stored.active)
            #expect(try await reopened.hostApp(id: "carunit")?.active == true)
            #expect(try await reopened.hostApp(id: "kiosk") == nil)
            #expect(try await reopened.auditLog(limit: 10).map(\.action) == ["host.create"])
        }
    }

    @Test("accounts, tokens and the audit log, newest first", arguments: StoreEngine.allCases)
    func accounts(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            try await store.createAccount(
                Account(id: "ops-1", name: "Ops", role: try #require(Role("ops"))), tokenHash: "t1", at: Self.at)
            try await store.createAccount(
                Account(id: "dev-1", name: "Dev", role: try #require(Role("developer:carins"))), tokenHash: "t2",
                at: Self.at)
            #expect(try await store.accountExists(id: "ops-1"))
            #expect(try await !store.accountExists(id: "ops-2"))
            #expect(try await store.account(forTokenHash: "t2")?.role.description == "developer:carins")
            #expect(try await store.account(forTokenHash: "t3") == nil)
            for index in 0..<5 { try await store.appendAudit(Self.audit("a\(index)")) }
            #expect(try await store.auditLog(limit: 3).map(\.action) == ["a4", "a3", "a2"])
            #expect(try await store.auditLog(limit: 3).first?.reason == "because")
            #expect(try await store.auditLog(limit: 0).isEmpty)
            try await store.ping()
        }
    }

    @Test(
        "partners, mini-programs, versions and reviews: each created once; a decision only from the state expected",
        arguments: StoreEngine.allCases)
    func programs(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            #expect(try await store.createPartner(id: "carins", name: "CarIns Ltd."))
            #expect(try await !store.createPartner(id: "carins", name: "Again"))
            #expect(try await store.partnerName("carins") == "CarIns Ltd.")
            #expect(try await store.partnerName("nobody") == nil)
            let program = Catalog.MiniProgram(
                id: "com.carins.quote", partnerId: "carins", name: "Quote", category: "insurance")
            #expect(try await store.createMiniProgram(program))
            #expect(try await !store.createMiniProgram(program))
            #expect(try await store.miniProgram(id: program.id) == program)
            #expect(try await store.miniPrograms(partner: "carins") == [program])
            #expect(try await store.miniPrograms(partner: "other").isEmpty)
            let version = MiniProgramVersion(
                appId: program.id, version: try #require(SemanticVersion("2.1.0")),
                package: PackageReference(sha256: String(repeating: "ab", count: 32), size: 4_127),
                scopes: [ScopeRequest(scope: "payment", reason: "Pay")], domains: ["api.carins.example"],
                minimumHostVersion: SemanticVersion("7.0.0"), reviewState: .inReview)
            #expect(try await store.addVersion(version, report: "{}", uploadedBy: "dev-1", at: Self.at, audit: nil))
            #expect(try await !store.addVersion(version, report: "{}", uploadedBy: "dev-1", at: Self.at, audit: nil))
            #expect(try await store.versions(appId: program.id) == [version])
            #expect(try await store.packageDigests() == [version.package.sha256])
            #expect(try await store.packageOwners(sha256: version.package.sha256) == ["carins"])
            #expect(try await store.versionsInReview().map(\.version) == [version])
            let decision = ReviewDecision(
                appId: program.id, version: version.version, stage: "compliance", approved: true, reviewer: "rev-1",
                reason: nil, at: Self.at)
            #expect(try await store.recordReview(decision, newState: .approved, expectedState: .inReview, audit: nil))
            #expect(try await !store.recordReview(decision, newState: .approved, expectedState: .inReview, audit: nil))
            let stored = try #require(try await store.version(appId: program.id, version: version.version))
            #expect(stored.version.reviewState == .approved && stored.uploadedBy == "dev-1" && stored.report == "{}")
            #expect(stored.reviews == [decision])
            #expect(try await store.versionsInReview().isEmpty)
        }
    }
}
