import Catalog
import CatalogAPI
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

    @Test("the reports outbox: calls of one kind add up, a batch in flight is settled, bounded, and a complaint waits")
    func reportsOutbox() throws {
        let data = Self.folder()
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try ShellStore(directory: data)
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        func record(_ outcome: String, _ minutes: Double = 0) throws -> Bool {
            try store.recordActivity(
                host: "mbank", appId: "com.eastsec.open-account", version: SemanticVersion(1, 4, 2), kind: .scope,
                name: "phoneNumber", outcome: outcome, at: at.addingTimeInterval(minutes * 60))
        }
        #expect(try store.takeReports(host: "mbank") == nil, "nothing waits")
        #expect(try record("allowed") && record("allowed", 2) && record("consent-denied", 1))
        try store.queueComplaint(
            DeviceReports.Complaint(
                id: "c-00000001", appId: "com.carins.quote", version: nil, reason: .fraud, text: "", at: at),
            host: "mbank")
        let batch = try #require(try store.takeReports(host: "mbank"))
        #expect(batch.complaints.map(\.id) == ["c-00000001"])
        #expect(batch.activity.map { "\($0.outcome) \($0.count)" }.sorted() == ["allowed 2", "consent-denied 1"])
        #expect(batch.activity.first { $0.outcome == "allowed" }?.last == at.addingTimeInterval(120))
        #expect(try record("allowed", 3), "a call while the batch is in flight counts in a new row")
        // Not delivered: nothing is settled, and the next batch carries the same ids and the new row.
        let again = try #require(try store.takeReports(host: "mbank"))
        #expect(again.activity.map(\.id).contains(batch.activity[0].id), "not delivered: the same ids go again")
        #expect(again.activity.reduce(0) { $0 + $1.count } == 4)
        #expect(try record("allowed", 4), "both rows are in flight: another new row")
        // Two sends overlapped: the first batch's delivery removes only what it carried.
        try store.settleReports(batch, host: "mbank")
        let rest = try #require(try store.takeReports(host: "mbank"))
        #expect(rest.complaints.isEmpty)
        #expect(rest.activity.map(\.count) == [1, 1], "the second batch's own row and the newest are kept")
        #expect(Set(rest.activity.map(\.id)).isDisjoint(with: batch.activity.map(\.id)))
        try store.settleReports(rest, host: "mbank")
        #expect(try store.takeReports(host: "mbank") == nil, "delivered: gone")
        #expect(try store.waitingComplaints(host: "mbank") == 0)

        for index in 0..<ShellStore.maximumActivity {
            _ = try store.recordActivity(
                host: "kiosk", appId: "com.x.y", version: nil, kind: .domain, name: "h\(index).example",
                outcome: "domain-not-allowed", at: at)
        }
        #expect(
            try !store.recordActivity(
                host: "kiosk", appId: "com.x.y", version: nil, kind: .domain, name: "one.more.example",
                outcome: "domain-not-allowed", at: at), "the outbox is bounded")
        for index in 0..<ShellStore.maximumComplaints {
            try store.queueComplaint(
                DeviceReports.Complaint(
                    id: "c-\(String(format: "%08d", index))", appId: "com.x.y", version: nil, reason: .other, text: "",
                    at: at), host: "kiosk")
        }
        #expect(throws: ShellStore.OutboxFull.self) {
            try store.queueComplaint(
                DeviceReports.Complaint(
                    id: "c-99999999", appId: "com.x.y", version: nil, reason: .other, text: "", at: at), host: "kiosk")
        }
        #expect(try store.takeReports(host: "kiosk")?.complaints.count == DeviceReports.maximumComplaints)
    }

    @Test("new services: the first list is the baseline; a service that appears later is new for a week")
    func newServices() throws {
        let data = Self.folder()
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try ShellStore(directory: data)
        let day0 = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try store.newServices(user: "u-1", listed: ["a.one", "a.two"], now: day0).isEmpty)
        let day1 = day0.addingTimeInterval(86_400)
        #expect(try store.newServices(user: "u-1", listed: ["a.one", "a.two", "a.three"], now: day1) == ["a.three"])
        #expect(
            try store.newServices(user: "u-1", listed: ["a.three"], now: day1.addingTimeInterval(3_600)) == ["a.three"])
        #expect(
            try store.newServices(user: "u-1", listed: ["a.three"], now: day1.addingTimeInterval(ShellStore.newFor))
                .isEmpty)
        #expect(
            try store.newServices(user: "u-2", listed: ["a.three"], now: day1).isEmpty, "another customer's baseline")
    }

    @Test("favourites and recently used services, per customer, the newest five recents")
    func shortcuts() throws {
        let data = Self.folder()
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try ShellStore(directory: data)
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        try store.setFavourite(user: "u-1", app: "a.one", true, at: at)
        try store.setFavourite(user: "u-1", app: "a.two", true, at: at.addingTimeInterval(1))
        try store.setFavourite(user: "u-1", app: "a.one", false, at: at)
        #expect(try store.favourites(user: "u-1") == ["a.two"])
        #expect(try store.favourites(user: "u-2").isEmpty)
        for index in 0..<7 {
            try store.recordOpened(user: "u-1", app: "a.\(index)", at: at.addingTimeInterval(Double(index)))
        }
        try store.recordOpened(user: "u-1", app: "a.3", at: at.addingTimeInterval(100))
        #expect(try ShellStore(directory: data).recents(user: "u-1") == ["a.3", "a.6", "a.5", "a.4", "a.2"])
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
