import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import Testing

struct SQLiteCatalogStoreTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("catalogd-\(UUID().uuidString)")
    }

    @Test("a host's user trust and its activity change separately: neither is written back over the other")
    func hostColumns() async throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteCatalogStore(directory: directory)
        let old = SigningKey.generate().verificationKey.base64
        let new = SigningKey.generate().verificationKey.base64
        try await store.saveHostApp(HostApp(id: "mbank", name: "M", userKeys: [old]))
        #expect(try await store.setUserTrust(hostId: "mbank", userKeys: [new], clientProperties: ["beta"], audit: nil))
        #expect(try await store.setHostActive(hostId: "mbank", active: false, audit: nil))
        let host = try #require(try await store.hostApp(id: "mbank"))
        #expect(host.userKeys == [new] && host.clientProperties == ["beta"] && !host.active)
        #expect(try await store.setHostActive(hostId: "nope", active: true, audit: nil) == false)
        #expect(try await store.setUserTrust(hostId: "nope", userKeys: [], clientProperties: [], audit: nil) == false)
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

    @Test("the store lists no version that is not approved, whoever asks; a delisting always goes through")
    func onlyApprovedVersionsAreListed() async throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteCatalogStore(directory: directory)
        try await store.saveHostApp(HostApp(id: "mbank", name: "Mobile banking"))
        #expect(try await store.createPartner(id: "carins", name: "CarIns"))
        #expect(
            try await store.createMiniProgram(
                Catalog.MiniProgram(id: "com.carins.quote", partnerId: "carins", name: "Car", category: "insurance")))
        let draft = SemanticVersion(1, 0, 0)
        let approved = SemanticVersion(1, 1, 0)
        for (version, state) in [(draft, MiniProgramVersion.ReviewState.inReview), (approved, .approved)] {
            #expect(
                try await store.addVersion(
                    MiniProgramVersion(
                        appId: "com.carins.quote", version: version,
                        package: PackageReference(sha256: String(repeating: "a", count: 64), size: 1), scopes: [],
                        domains: [], minimumHostVersion: nil, reviewState: state),
                    report: "{}", uploadedBy: "dev", at: Date(), audit: nil))
        }
        func commit(_ plan: ReleasePlan, _ state: ListingState, expected: Listing?) async throws -> Listing {
            let listing = Listing(appId: "com.carins.quote", hostId: "mbank", state: state, plan: plan)
            _ = try await store.commit(
                listing, event: .published, version: nil, reason: nil, at: Date(), audit: nil, expected: expected,
                requireActiveHost: true)
            return listing
        }
        let plain = ReleasePlan(appId: "com.carins.quote", hostId: "mbank", stableVersion: draft)
        await #expect(throws: VersionNotApproved.self) { _ = try await commit(plain, .full, expected: nil) }
        var gray = ReleasePlan(appId: "com.carins.quote", hostId: "mbank", stableVersion: approved)
        gray.gray = .percentage(10, of: draft, groupId: "com.carins.quote")
        await #expect(throws: VersionNotApproved.self) { _ = try await commit(gray, .gray, expected: nil) }
        var split = ReleasePlan(appId: "com.carins.quote", hostId: "mbank", stableVersion: approved)
        split.gray = .percentage(10, of: approved, groupId: "com.carins.quote")
        split.gray?.variants = [FeatureVariant(name: "1.0.0", weight: 1), FeatureVariant(name: "1.1.0", weight: 1)]
        await #expect(throws: VersionNotApproved.self) { _ = try await commit(split, .gray, expected: nil) }
        let missing = ReleasePlan(appId: "com.carins.quote", hostId: "mbank", stableVersion: SemanticVersion(9, 0, 0))
        await #expect(throws: VersionNotApproved.self) { _ = try await commit(missing, .full, expected: nil) }
        #expect(try await store.listings(hostId: "mbank").isEmpty)

        let listed = try await commit(
            ReleasePlan(appId: "com.carins.quote", hostId: "mbank", stableVersion: approved), .full, expected: nil)
        var delisted = listed
        delisted.state = .delisted
        _ = try await store.commit(
            delisted, event: .delisted, version: nil, reason: "licence", at: Date(), audit: nil, expected: listed,
            requireActiveHost: false)
        #expect(try await store.listings(hostId: "mbank").map(\.state) == [.delisted])
    }

    @Test("opening the packages folder removes every temporary file; start-up removes packages no version names")
    func packageCleanup() async throws {
        let directory = Self.folder()
        defer { try? FileManager.default.removeItem(at: directory) }
        let packages = try PackageStore(dataDirectory: directory)
        let kept = try await packages.put(Data("kept".utf8))
        let orphan = try await packages.put(Data("orphan".utf8))
        let leftovers = [
            ".\(kept).1234.tmp", "\(kept).zip.dat.nosync1f2e.Xy12", ".dat.nosync00ab.Q9", "notes.txt",
            "\(String(repeating: "A", count: 64)).zip",
        ]
        for name in leftovers {
            try Data("partial".utf8).write(to: packages.directory.appendingPathComponent(name))
        }
        let reopened = try PackageStore(dataDirectory: directory)
        #expect(
            Set(try FileManager.default.contentsOfDirectory(atPath: reopened.directory.path))
                == ["\(kept).zip", "\(orphan).zip"])
        #expect(reopened.removePackages(notIn: [kept]) == [orphan])
        #expect(try FileManager.default.contentsOfDirectory(atPath: reopened.directory.path) == ["\(kept).zip"])
        #expect(try await reopened.get(kept) == Data("kept".utf8))
    }
}
