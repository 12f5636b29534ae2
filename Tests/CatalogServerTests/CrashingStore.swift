import Catalog
import CatalogAPI
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import Synchronization

/// A store that stops for good at its Nth write, as a process killed just before that write commits would:
/// that write and every later one fail. Reads pass through. Counting writes with `crashAt: .max` tells how
/// many steps a run has, so a test can stop it at each one.
final class CrashingStore: CatalogStore {
    struct Crash: Error {}

    let base: any CatalogStore
    let crashAt: Int
    private let count = Mutex(0)

    init(_ base: any CatalogStore, crashAt: Int) {
        self.base = base
        self.crashAt = crashAt
    }

    /// Writes attempted so far (including the one that crashed).
    var writes: Int { count.withLock { $0 } }

    private func write<T>(_ body: () async throws -> T) async throws -> T {
        let index = count.withLock { value in
            value += 1
            return value
        }
        guard index < crashAt else { throw Crash() }
        return try await body()
    }

    func hostApps() async throws -> [HostApp] { try await base.hostApps() }
    func hostApp(id: String) async throws -> HostApp? { try await base.hostApp(id: id) }
    func saveHostApp(_ host: HostApp, audit: AuditEntry?) async throws {
        try await write { try await base.saveHostApp(host, audit: audit) }
    }
    func setHostActive(hostId: String, active: Bool, audit: AuditEntry?) async throws -> Bool {
        try await write { try await base.setHostActive(hostId: hostId, active: active, audit: audit) }
    }
    func setUserTrust(hostId: String, userKeys: [String], clientProperties: [String], audit: AuditEntry?) async throws
        -> Bool
    {
        try await write {
            try await base.setUserTrust(
                hostId: hostId, userKeys: userKeys, clientProperties: clientProperties, audit: audit)
        }
    }
    func appendAudit(_ entry: AuditEntry) async throws { try await write { try await base.appendAudit(entry) } }
    func auditLog(limit: Int, organisation: String?) async throws -> [AuditEntry] {
        try await base.auditLog(limit: limit, organisation: organisation)
    }
    func ping() async throws { try await base.ping() }
    func setBrand(hostId: String, brand: HostBrand?, audit: AuditEntry?) async throws -> Bool {
        try await write { try await base.setBrand(hostId: hostId, brand: brand, audit: audit) }
    }
    func saveReports(_ reports: DeviceReports, hostId: String, deviceId: String, receivedAt: Date) async throws -> Int {
        try await write {
            try await base.saveReports(reports, hostId: hostId, deviceId: deviceId, receivedAt: receivedAt)
        }
    }
    func complaints(appId: String?, hostIds: Set<String>?, limit: Int) async throws -> [StoredComplaint] {
        try await base.complaints(appId: appId, hostIds: hostIds, limit: limit)
    }
    func complaintCounts(appId: String) async throws -> [String: Int] { try await base.complaintCounts(appId: appId) }
    func activityTotals(appId: String) async throws -> [ActivityTotal] { try await base.activityTotals(appId: appId) }
    func latestRefusals(appId: String, hostId: String?, limit: Int) async throws -> [StoredActivity] {
        try await base.latestRefusals(appId: appId, hostId: hostId, limit: limit)
    }
    func createAccount(_ account: Account, tokenHash: String, at: Date) async throws {
        try await write { try await base.createAccount(account, tokenHash: tokenHash, at: at) }
    }
    func accountExists(id: String) async throws -> Bool { try await base.accountExists(id: id) }
    func account(forTokenHash hash: String) async throws -> Account? { try await base.account(forTokenHash: hash) }
    func segments() async throws -> [Segment] { try await base.segments() }
    func createSegment(name: String, constraints: [RolloutConstraint], audit: AuditEntry?, maximum: Int) async throws
        -> SegmentCreation
    {
        try await write {
            try await base.createSegment(name: name, constraints: constraints, audit: audit, maximum: maximum)
        }
    }
    func createPartner(id: String, name: String) async throws -> Bool {
        try await write { try await base.createPartner(id: id, name: name) }
    }
    func partnerName(_ id: String) async throws -> String? { try await base.partnerName(id) }
    func createMiniProgram(_ program: Catalog.MiniProgram) async throws -> Bool {
        try await write { try await base.createMiniProgram(program) }
    }
    func miniProgram(id: String) async throws -> Catalog.MiniProgram? { try await base.miniProgram(id: id) }
    func miniPrograms(partner: String?) async throws -> [Catalog.MiniProgram] {
        try await base.miniPrograms(partner: partner)
    }
    func addVersion(_ version: MiniProgramVersion, report: String, uploadedBy: String, at: Date, audit: AuditEntry?)
        async throws -> Bool
    {
        try await write {
            try await base.addVersion(version, report: report, uploadedBy: uploadedBy, at: at, audit: audit)
        }
    }
    func versions(appId: String) async throws -> [MiniProgramVersion] { try await base.versions(appId: appId) }
    func version(appId: String, version: SemanticVersion) async throws -> StoredVersion? {
        try await base.version(appId: appId, version: version)
    }
    func packageDigests() async throws -> Set<String> { try await base.packageDigests() }
    func packageOwners(sha256: String) async throws -> Set<String> { try await base.packageOwners(sha256: sha256) }
    func versionsInReview() async throws -> [StoredVersion] { try await base.versionsInReview() }
    func listings(appId: String) async throws -> [Listing] { try await base.listings(appId: appId) }
    func listings(hostId: String) async throws -> [Listing] { try await base.listings(hostId: hostId) }
    func commit(
        _ listing: Listing, event: CatalogEvent.Kind, version: SemanticVersion?, reason: String?, at: Date,
        audit: AuditEntry?, expected: Listing?, requireActiveHost: Bool, seal: EventSealer?,
        accepting: OfferAcceptance?
    ) async throws -> StoredEvent {
        try await write {
            try await base.commit(
                listing, event: event, version: version, reason: reason, at: at, audit: audit, expected: expected,
                requireActiveHost: requireActiveHost, seal: seal, accepting: accepting)
        }
    }
    func organisations() async throws -> [Organisation] { try await base.organisations() }
    func createOrganisation(_ organisation: Organisation, audit: AuditEntry?) async throws -> Bool {
        try await write { try await base.createOrganisation(organisation, audit: audit) }
    }
    func createOffer(_ offer: Offer, audit: AuditEntry?) async throws -> Bool {
        try await write { try await base.createOffer(offer, audit: audit) }
    }
    func offers(hostIds: Set<String>?, limit: Int) async throws -> [Offer] {
        try await base.offers(hostIds: hostIds, limit: limit)
    }
    func pendingOffer(appId: String, hostId: String) async throws -> Offer? {
        try await base.pendingOffer(appId: appId, hostId: hostId)
    }
    func declineOffer(
        appId: String, hostId: String, version: SemanticVersion, by: String, at: Date, reason: String?,
        audit: AuditEntry?
    ) async throws -> Bool {
        try await write {
            try await base.declineOffer(
                appId: appId, hostId: hostId, version: version, by: by, at: at, reason: reason, audit: audit)
        }
    }
    func hostState(_ hostId: String) async throws -> (catalogVersion: UInt64, eventSequence: UInt64) {
        try await base.hostState(hostId)
    }
    func createHostApp(_ host: HostApp, keyHash: String, audit: AuditEntry?) async throws -> Bool {
        try await write { try await base.createHostApp(host, keyHash: keyHash, audit: audit) }
    }
    func setHostKey(hostId: String, hash: String, audit: AuditEntry?) async throws {
        try await write { try await base.setHostKey(hostId: hostId, hash: hash, audit: audit) }
    }
    func host(forKeyHash hash: String) async throws -> String? { try await base.host(forKeyHash: hash) }
    func delistings(hostId: String) async throws -> [Tombstone] { try await base.delistings(hostId: hostId) }
    func saveAcknowledgement(_ ack: Acknowledgement, receivedAt: Date) async throws {
        try await write { try await base.saveAcknowledgement(ack, receivedAt: receivedAt) }
    }
    func acknowledgement(deviceId: String) async throws -> Acknowledgement? {
        try await base.acknowledgement(deviceId: deviceId)
    }
    func acknowledgements(hostId: String) async throws -> [String: (ack: Acknowledgement, receivedAt: Date)] {
        try await base.acknowledgements(hostId: hostId)
    }
    func enrolDevice(id: String, hostId: String, publicKey: VerificationKey, tokenHash: String, at: Date)
        async throws -> EnrolmentResult
    {
        try await write {
            try await base.enrolDevice(id: id, hostId: hostId, publicKey: publicKey, tokenHash: tokenHash, at: at)
        }
    }
    func device(forTokenHash hash: String) async throws -> Device? { try await base.device(forTokenHash: hash) }
    func device(id: String) async throws -> Device? { try await base.device(id: id) }
    func devices(hostId: String?) async throws -> [Device] { try await base.devices(hostId: hostId) }
    func revokeDevice(id: String, reason: String, at: Date, audit: AuditEntry?) async throws -> Bool {
        try await write { try await base.revokeDevice(id: id, reason: reason, at: at, audit: audit) }
    }
    func touchDevice(id: String, at: Date) async throws {
        try await write { try await base.touchDevice(id: id, at: at) }
    }
    func events(hostId: String, after: UInt64, limit: Int) async throws -> [StoredEvent] {
        try await base.events(hostId: hostId, after: after, limit: limit)
    }
    func recordReview(
        _ review: ReviewDecision, newState: MiniProgramVersion.ReviewState,
        expectedState: MiniProgramVersion.ReviewState, audit: AuditEntry?
    ) async throws -> Bool {
        try await write {
            try await base.recordReview(review, newState: newState, expectedState: expectedState, audit: audit)
        }
    }
}
