import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import Testing

/// The store contract for listings, events, segments and devices, against SQLite and PostgreSQL.
struct ListingStoreContractTests {
    static let at = CatalogStoreContractTests.at
    static let app = "com.carins.quote"
    static let version = SemanticVersion(2, 1, 0)

    /// A host, a partner and an app with an approved and a draft version.
    static func prepare(_ store: any CatalogStore) async throws {
        try await store.saveHostApp(HostApp(id: "mbank", name: "M"), audit: nil)
        try await store.saveHostApp(HostApp(id: "kiosk", name: "K", active: false), audit: nil)
        _ = try await store.createPartner(id: "carins", name: "CarIns")
        _ = try await store.createMiniProgram(
            Catalog.MiniProgram(id: app, partnerId: "carins", name: "Quote", category: "insurance"))
        for (number, state) in [(version, MiniProgramVersion.ReviewState.approved), (SemanticVersion(3, 0, 0), .draft)]
        {
            _ = try await store.addVersion(
                MiniProgramVersion(
                    appId: app, version: number,
                    package: PackageReference(sha256: String(repeating: "cd", count: 32), size: 10), reviewState: state),
                report: "{}", uploadedBy: "dev", at: at, audit: nil)
        }
    }

    static func listing(_ state: ListingState, host: String = "mbank", version: SemanticVersion = version) -> Listing {
        Listing(
            appId: app, hostId: host, state: state,
            plan: ReleasePlan(appId: app, hostId: host, stableVersion: version),
            delistReason: state == .delisted ? "Fraud" : nil)
    }

    @Test(
        "a listing change: only from the state expected, only approved code, only on an active host; each raises the host's version and sequence",
        arguments: StoreEngine.allCases)
    func commits(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, reopen in
            try await Self.prepare(store)
            let full = Self.listing(.full)
            let first = try await store.commit(
                full, event: .published, version: Self.version, reason: nil, at: Self.at, audit: nil, expected: nil,
                requireActiveHost: true)
            #expect(first.sequence == 1 && first.catalogVersion == 1)
            await #expect(throws: ListingChanged.self) {
                _ = try await store.commit(
                    full, event: .published, version: Self.version, reason: nil, at: Self.at, audit: nil, expected: nil,
                    requireActiveHost: true)
            }
            await #expect(throws: VersionNotApproved.self) {
                _ = try await store.commit(
                    Self.listing(.full, version: SemanticVersion(3, 0, 0)), event: .published, version: nil,
                    reason: nil,
                    at: Self.at, audit: nil, expected: full, requireActiveHost: true)
            }
            await #expect(throws: ListingChanged.self) {
                _ = try await store.commit(
                    Self.listing(.full, host: "kiosk"), event: .published, version: nil, reason: nil, at: Self.at,
                    audit: nil, expected: nil, requireActiveHost: true)
            }
            let delisted = Self.listing(.delisted)
            // Signed inside the transaction, seeing the sequence and catalog version it commits with.
            let second = try await store.commit(
                delisted, event: .delisted, version: nil, reason: "Fraud", at: Self.at,
                audit: CatalogStoreContractTests.audit("listing.delist"), expected: full, requireActiveHost: false,
                seal: { EventSeal(keyId: "k1", envelope: "signed \($0.hostId) \($0.sequence) v\($0.catalogVersion)") })
            #expect(second.sequence == 2 && second.catalogVersion == 2)
            #expect(second.seal == EventSeal(keyId: "k1", envelope: "signed mbank 2 v2"))
            let reopened = try await reopen()
            #expect(try await reopened.hostState("mbank") == (2, 2))
            #expect(try await reopened.hostState("kiosk") == (0, 0))
            #expect(try await reopened.listings(appId: Self.app) == [delisted])
            #expect(try await reopened.listings(hostId: "mbank") == [delisted])
            let events = try await reopened.events(hostId: "mbank", after: 0, limit: 10)
            #expect(events.map(\.kind) == [.published, .delisted])
            #expect(events.last?.reason == "Fraud" && events.first?.version == Self.version)
            #expect(events.map(\.seal) == [nil, second.seal], "the signed event is stored with it")
            #expect(try await reopened.events(hostId: "mbank", after: 1, limit: 10).map(\.sequence) == [2])
            #expect(try await reopened.events(hostId: "mbank", after: 0, limit: 1).count == 1)
            #expect(try await reopened.delistings(hostId: "mbank").map(\.reason) == ["Fraud"])
            #expect(try await reopened.auditLog(limit: 5).map(\.action) == ["listing.delist"])
        }
    }

    @Test("segments: unique names, a maximum, constraints read back", arguments: StoreEngine.allCases)
    func segments(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            let constraint = try RolloutConstraint(
                request: JSONCursor(
                    try JSONValue.parse(Data(#"{"contextName": "tier", "operator": "IN", "values": ["vip"]}"#.utf8))))
            guard
                case .created(let vip) = try await store.createSegment(
                    name: "vip", constraints: [constraint], audit: nil, maximum: 2)
            else { Issue.record("not created"); return }
            guard case .exists = try await store.createSegment(name: "vip", constraints: [], audit: nil, maximum: 2)
            else { Issue.record("a second 'vip'"); return }
            _ = try await store.createSegment(name: "staff", constraints: [], audit: nil, maximum: 2)
            guard case .full = try await store.createSegment(name: "south", constraints: [], audit: nil, maximum: 2)
            else { Issue.record("past the maximum"); return }
            let stored = try await store.segments()
            #expect(stored.map(\.name) == ["vip", "staff"])
            #expect(stored.first == vip)
        }
    }

    @Test(
        "devices: enrolled once per key, a new token on enrolling again, revoked for good; acknowledgements kept",
        arguments: StoreEngine.allCases)
    func devices(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, _ in
            try await store.saveHostApp(HostApp(id: "mbank", name: "M"), audit: nil)
            let key = SigningKey.generate().verificationKey
            guard
                case .enrolled(let device) = try await store.enrolDevice(
                    id: "d-1", hostId: "mbank", publicKey: key, tokenHash: "h1", at: Self.at)
            else { Issue.record("not enrolled"); return }
            guard
                case .enrolled(let again) = try await store.enrolDevice(
                    id: "d-2", hostId: "mbank", publicKey: key, tokenHash: "h2", at: Self.at.addingTimeInterval(5))
            else { Issue.record("not enrolled again"); return }
            #expect(again.id == device.id)
            #expect(try await store.device(forTokenHash: "h1") == nil)
            #expect(try await store.device(forTokenHash: "h2")?.id == "d-1")
            let ack = Acknowledgement(
                hostId: "mbank", deviceId: "d-1", userId: "u-1", catalogVersion: 3, eventSequence: 2, installed: [],
                purged: ["com.a"], sentAt: Self.at)
            try await store.saveAcknowledgement(ack, receivedAt: Self.at.addingTimeInterval(60))
            #expect(try await store.acknowledgement(deviceId: "d-1") == ack)
            #expect(try await store.acknowledgements(hostId: "mbank")["d-1"]?.ack == ack)
            try await store.touchDevice(id: "d-1", at: Self.at)  // never moves last-seen back
            #expect(try await store.device(id: "d-1")?.lastSeen == Self.at.addingTimeInterval(60))
            #expect(try await store.revokeDevice(id: "d-1", reason: "stolen", at: Self.at, audit: nil))
            #expect(try await !store.revokeDevice(id: "d-1", reason: "stolen", at: Self.at, audit: nil))
            #expect(try await store.acknowledgements(hostId: "mbank").isEmpty, "a revoked device counts for nothing")
            guard
                case .revoked = try await store.enrolDevice(
                    id: "d-3", hostId: "mbank", publicKey: key, tokenHash: "h3", at: Self.at)
            else { Issue.record("a revoked key enrolled again"); return }
            #expect(try await store.devices(hostId: "mbank").map(\.revokeReason) == ["stolen"])
            #expect(try await store.devices(hostId: nil).count == 1)
        }
    }

    @Test(
        "two writers on one host at once (two replicas on PostgreSQL): 200 concurrent changes, versions and sequences with no gap and no duplicate",
        arguments: StoreEngine.allCases)
    func concurrentWriters(_ engine: StoreEngine) async throws {
        try await engine.withStore { store, reopen in
            try await Self.prepare(store)
            // 200 mini-programs, each with an approved version: every change below succeeds, all at once.
            for index in 0..<200 {
                let app = "com.load.app\(index)"
                _ = try await store.createMiniProgram(
                    Catalog.MiniProgram(id: app, partnerId: "carins", name: "App \(index)", category: "load"))
                _ = try await store.addVersion(
                    MiniProgramVersion(
                        appId: app, version: Self.version,
                        package: PackageReference(sha256: String(repeating: "ef", count: 32), size: 10),
                        reviewState: .approved),
                    report: "{}", uploadedBy: "dev", at: Self.at, audit: nil)
            }
            let second = try await reopen()
            try await withThrowingTaskGroup(of: StoredEvent.self) { group in
                for index in 0..<200 {
                    let writer = index.isMultiple(of: 2) ? store : second
                    let app = "com.load.app\(index)"
                    group.addTask {
                        try await writer.commit(
                            Listing(
                                appId: app, hostId: "mbank", state: .full,
                                plan: ReleasePlan(appId: app, hostId: "mbank", stableVersion: Self.version)),
                            event: .published, version: Self.version, reason: nil, at: Self.at, audit: nil,
                            expected: nil, requireActiveHost: true)
                    }
                }
                let answered = try await group.reduce(into: [UInt64]()) { $0.append($1.sequence) }
                #expect(answered.sorted() == Array(1...200), "each writer was told a distinct sequence")
            }
            let events = try await store.events(hostId: "mbank", after: 0, limit: 1_000)
            #expect(events.map(\.sequence) == Array(1...200))
            #expect(events.map(\.catalogVersion) == Array(1...200))
            #expect(Set(events.map(\.appId)).count == 200)
            #expect(try await second.hostState("mbank") == (200, 200))
        }
    }
}
