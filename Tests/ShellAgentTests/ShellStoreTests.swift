import Catalog
import CatalogTestSupport
import Foundation
import MiniKit
import MiniSupport
import ShellAgent
import Testing

/// The shell's local state on its own: recalls, crash leftovers, the program cache.
struct ShellStoreTests {
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
    }

    @Test(
        "the device key is made once, readable only by its owner, and the same after a restart; credentials are per host"
    )
    func deviceIdentity() throws {
        let data = Self.folder()
        defer { try? FileManager.default.removeItem(at: data) }
        let key = try ShellStore(directory: data).deviceKey()
        let file = data.appendingPathComponent(ShellStore.deviceKeyFileName)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let reopened = try ShellStore(directory: data)
        #expect(try reopened.deviceKey().verificationKey == key.verificationKey)
        #expect(try reopened.deviceCredential(host: "mbank") == nil)
        try reopened.saveDeviceCredential(host: "mbank", deviceId: "d-1", token: "mdt_a")
        try reopened.saveDeviceCredential(host: "mbank", deviceId: "d-1", token: "mdt_b")
        #expect(try reopened.deviceCredential(host: "mbank")?.token == "mdt_b")
        #expect(try reopened.deviceCredential(host: "car") == nil)
        try reopened.forgetDeviceCredential(host: "mbank")
        #expect(try reopened.deviceCredential(host: "mbank") == nil)
    }

    @Test("payments are kept per customer and account, refused beyond the balance, and survive a restart")
    func payments() throws {
        let data = Self.folder()
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try ShellStore(directory: data)
        func pay(_ amount: Double, _ user: String = "u-1", account: String = "A", opening: Double = 100) throws -> Bool
        {
            try store.recordPayment(
                ShellStore.Payment(account: account, day: "2026-12-06", text: "paid \(amount)", amount: amount),
                user: user, openingBalance: opening)
        }
        #expect(try pay(60))
        #expect(try !pay(50), "60 of 100 already paid from A")
        #expect(try pay(40))
        #expect(try pay(50, account: "B"), "another account")
        #expect(try pay(50, "u-2"), "another customer's money")
        #expect(try !pay(0, "u-2"))
        #expect(try !pay(-5, "u-2"))
        let reopened = try ShellStore(directory: data)
        #expect(try reopened.paid(user: "u-1", account: "A") == 100)
        #expect(try reopened.payments(user: "u-1").map(\.text) == ["paid 50.0", "paid 40.0", "paid 60.0"])
        #expect(try reopened.payments(user: "u-3").isEmpty)
    }

    @Test("a recall deletes every user's data for the app and records one notice; nothing held means tombstone only")
    func recall() throws {
        let data = Self.folder()
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try ShellStore(directory: data)
        let package = ShellStore.InstalledPackage(
            appId: "com.a", version: SemanticVersion(1, 0, 0), sha256: String(repeating: "a", count: 64), size: 10)
        #expect(try store.recordInstalled(package, host: "mbank", at: Date()))
        try store.setStorageValue("1", user: "u1", app: "com.a", key: "k")
        try store.setStorageValue("2", user: "u2", app: "com.a", key: "k")
        try store.setStorageValue("3", user: "u1", app: "com.b", key: "k")
        try store.setConsent(user: "u1", app: "com.a", scope: "payment", granted: true)
        let tombstone = Tombstone(appId: "com.a", delistedAt: Date(), reason: "Fraud", sequence: 9)
        let hashes = try store.recall(tombstone, host: "mbank", name: "App A", at: Date())
        #expect(hashes == [package.sha256])
        #expect(try store.dataRows(app: "com.a") == 0)
        #expect(try store.storageValue(user: "u1", app: "com.b", key: "k") == "3", "other apps keep their data")
        #expect(try store.installed().isEmpty)
        #expect(try store.notices().map(\.service) == ["App A"])
        #expect(try store.pendingPurges(host: "mbank") == ["com.a"])
        #expect(
            try store.recall(tombstone, host: "mbank", name: "App A", at: Date()) == nil,
            "nothing left: no second notice")
        #expect(try store.notices().count == 1)
        #expect(
            try store.recordInstalled(package, host: "mbank", at: Date()) == false,
            "a recalled app is not installed again by a download that raced the recall")
        #expect(
            try store.recall(
                Tombstone(appId: "com.never", delistedAt: Date(), reason: "x", sequence: 3), host: "mbank", name: "N",
                at: Date()) == nil)
        #expect(try store.tombstone(host: "mbank", app: "com.never") != nil)
    }

    @Test("after a crash: staging folders, folders without a row and rows without a folder are cleared at start")
    func crashLeftovers() async throws {
        let data = Self.folder()
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try ShellStore(directory: data)
        let packages = try PackageCache(dataDirectory: data)
        let whole = Data(repeating: 1, count: 100)
        let wholeSha = PackageCache.digest(whole)
        try packages.install(whole, sha256: wholeSha)
        _ = try store.recordInstalled(
            .init(appId: "com.whole", version: SemanticVersion(1, 0, 0), sha256: wholeSha, size: 100), host: "h",
            at: Date())
        // A crash after the rename but before the row: a folder nobody installed.
        try packages.install(Data(repeating: 2, count: 100), sha256: String(repeating: "b", count: 64))
        // A crash mid-write: a staging folder with half a package.
        let staging = packages.directory.appendingPathComponent(".staging-crash")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try Data(repeating: 3, count: 10).write(to: staging.appendingPathComponent("package.zip"))
        // A row whose folder is gone.
        _ = try store.recordInstalled(
            .init(
                appId: "com.gone", version: SemanticVersion(1, 0, 0), sha256: String(repeating: "c", count: 64), size: 5
            ),
            host: "h", at: Date())

        let agent = try SyncAgent(
            configuration: AgentConfiguration(
                server: "http://127.0.0.1:1", hostId: "h", hostKey: "k", userId: "u",
                userAssertion: .signer(.generate()), trustedKeys: [SigningKey.generate().verificationKey]),
            transport: Unreachable(), store: store)
        agent.prepare()
        #expect(packages.hashesOnDisk() == [wholeSha])
        #expect(try store.installed().map(\.appId) == ["com.whole"])
    }

    @Test("the program loader parses a package once, and forgets a recalled app")
    func loader() throws {
        let folder = PlatformSamples.folder("car-insurance")
        let package = try PackageFiles.read(folder: folder).pack()
        let entry = CatalogEntry(
            appId: "com.carins.quote", name: "Car", category: "insurance", version: SemanticVersion(2, 1, 0),
            package: PackageReference(sha256: PackageCache.digest(package), size: package.count), grantedScopes: [],
            grantedDomains: [], gray: false)
        let loader = ProgramLoader(capacity: 2)
        let ticket = LaunchTicket(entry: entry, package: package)
        let first = try loader.program(for: ticket).get()
        let broken = LaunchTicket(entry: entry, package: Data("not a zip".utf8))
        #expect(try loader.program(for: broken).get() == first, "the same hash is served from memory")
        loader.forget(appId: "com.carins.quote")
        #expect(throws: LaunchRefusal.self) { try loader.program(for: broken).get() }
    }
}

/// A network that is never there.
struct Unreachable: CatalogTransport {
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPReply { throw .unreachable("offline (test)") }
    func stream(_ request: HTTPRequest) -> AsyncThrowingStream<Data, any Error> {
        AsyncThrowingStream { $0.finish(throwing: TransportError.unreachable("offline (test)")) }
    }
}

enum PlatformSamples {
    static func folder(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-apps/\(name)")
    }
}

/// Review findings on the store and the parser.
struct ShellStoreGuardTests {
    @Test("an older catalog never replaces a newer one; a recalled app cannot write data back")
    func guards() throws {
        let data = ShellStoreTests.folder()
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try ShellStore(directory: data)
        func snapshot(_ version: UInt64) -> CatalogSnapshot {
            CatalogSnapshot(
                hostId: "h", userId: "u", catalogVersion: version, eventSequence: version, issuedAt: Date(),
                expiresAt: Date().addingTimeInterval(3600), entries: [], tombstones: [])
        }
        func envelope(_ snapshot: CatalogSnapshot) throws -> Data {
            try WireFormat.encoder().encode(try SignedEnvelope.sign(snapshot, with: [SigningKey.generate()]))
        }
        let newer = snapshot(11)
        #expect(try store.saveCatalog(newer, envelope: envelope(newer), etag: nil, at: Date()))
        let older = snapshot(10)
        #expect(try store.saveCatalog(older, envelope: envelope(older), etag: nil, at: Date()) == false)
        #expect(try store.catalog(host: "h", user: "u")?.snapshot.catalogVersion == 11)

        _ = try store.recall(
            Tombstone(appId: "com.a", delistedAt: Date(), reason: "x", sequence: 1), host: "h", name: "A", at: Date())
        #expect(throws: ShellStore.Recalled.self) { try store.setStorageValue("1", user: "u", app: "com.a", key: "k") }
        #expect(throws: ShellStore.Recalled.self) {
            try store.setConsent(user: "u", app: "com.a", scope: "payment", granted: true)
        }
    }

    @Test("events completed before an oversized line are handed over with the error")
    func overflowKeepsEarlierEvents() {
        var parser = ServerSentEventParser()
        let chunk =
            Array("id: 1\nevent: catalog\ndata: first\n\ndata: ".utf8)
            + [UInt8](repeating: 0x61, count: ServerSentEventParser.maximumEventSize + 1)
        do {
            _ = try parser.feed(chunk)
            Issue.record("an oversized line must be refused")
        } catch {
            #expect(error.completed == [ServerSentEvent(id: "1", event: "catalog", data: "first")])
        }
    }
}
