import Catalog
import CatalogAPI
import Foundation
import MiniKit
import MiniSupport

/// Loads a demo data set (`catalogd serve --seed FILE`): hosts, partners, accounts, and mini-programs packed
/// from their folders, reviewed at every stage and released. Idempotent: what exists is left as it is.
///
/// A run cut off anywhere can be completed by running the seed again, and never skips a step: the secrets it
/// creates are in ``SeedSecrets`` (a 0600 file) before their rows are written, and shown again until a
/// complete run has shown them (``secretsShown()``); a version resumes its review at the stage it reached, and
/// is released only once approved (the store refuses anything else).
public struct Seeder: Sendable {
    /// What a seed run has to show: the secrets not shown yet, and what it created.
    public struct Report: Sendable {
        public var accounts: [(id: String, role: String, token: String)] = []
        public var hostKeys: [(host: String, key: String)] = []
        /// The demo user-signing key of each host the seed created without keys of its own: the private key
        /// the demo's sign-in signs user assertions with, playing the host's backend.
        public var userKeyFiles: [(host: String, file: URL)] = []
        public var versions: [String] = []
        public var releases: [String] = []
        public var segments: [String] = []
    }

    let store: any CatalogStore
    let packages: PackageStore
    let stages: [String]
    let clock: any CatalogClock
    /// `DATA/seed-secrets.json`, beside the packages folder.
    let secretsFile: URL
    /// `DATA/user-keys/`: the demo hosts' user-signing keys (kept: the demo's sign-in needs them).
    public let userKeysFolder: URL

    public init(
        store: any CatalogStore, packages: PackageStore, stages: [String], clock: any CatalogClock = SystemClock()
    ) {
        self.store = store
        self.packages = packages
        self.stages = stages
        self.clock = clock
        secretsFile = packages.directory.deletingLastPathComponent().appendingPathComponent("seed-secrets.json")
        userKeysFolder = packages.directory.deletingLastPathComponent().appendingPathComponent("user-keys")
    }

    /// Where the seed keeps the demo user-signing key of a host: `DATA/user-keys/HOST.key` (mode 0600).
    public func userKeyFile(host: String) -> URL { userKeysFolder.appendingPathComponent("\(host).key") }

    /// Call once the report's secrets were shown: they are then forgotten (the store keeps only hashes).
    public func secretsShown() throws {
        guard FileManager.default.fileExists(atPath: secretsFile.path) else { return }
        try FileManager.default.removeItem(at: secretsFile)
    }

    /// Reads a seed file and applies it; errors name the file and the JSON path.
    public func load(_ file: URL) async throws -> Report {
        try await apply(try Self.read(file))
    }

    /// Reads and checks a whole seed file (its JSON, and every mini-program folder it names, packed and checked)
    /// before anything is written; errors name the file and the JSON path.
    public static func read(_ file: URL) throws -> SeedPlan {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder) else {
            throw SeedError("\(file.path): no such file (the demo seed is seeds/demo.json)")
        }
        if isFolder.boolValue {
            throw SeedError("\(file.path) is a folder: give the seed file in it (the demo seed is seeds/demo.json)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw SeedError("\(file.path): cannot read it (\(error.localizedDescription))")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(data)
        } catch {
            throw SeedError("\(file.path): \(error)")
        }
        let root = JSONCursor(document)
        var plan = SeedPlan(file: file)
        do {
            for item in try root.arrayField("organisations") {
                let organisation = try OrganisationCreate(json: item)
                plan.organisations.append(Organisation(id: organisation.id, name: organisation.name))
            }
            let organisations = Set(plan.organisations.map(\.id) + [Organisation.bankId])
            for item in try root.arrayField("hosts") {
                let host = try HostRoutes.hostApp(item)
                guard organisations.contains(host.organisation) else {
                    throw try item.require("organisation").error(
                        "no organisation '\(host.organisation)' in the file's organisations")
                }
                plan.hosts.append(host)
            }
            for item in try root.arrayField("partners") {
                plan.partners.append((try item.requireName("id"), try item.requireText("name", maximum: 80)))
            }
            for item in try root.arrayField("accounts") {
                let roleCursor = try item.require("role")
                guard let role = Role(try roleCursor.string()) else { throw roleCursor.error("unknown role") }
                if let organisation = role.hostOrganisation, !organisations.contains(organisation) {
                    throw roleCursor.error("no organisation '\(organisation)' in the file's organisations")
                }
                plan.accounts.append(
                    Account(id: try item.requireName("id"), name: try item.requireText("name", maximum: 80), role: role)
                )
            }
            for item in try root.arrayField("segments") {
                try item.onlyFields(["name", "constraints"])
                let name = try item.requireName("name")
                let constraints = try item.arrayField("constraints").map { try RolloutConstraint(request: $0) }
                plan.segments.append((name, constraints))
            }
            plan.apps = try root.arrayField("apps").map {
                try readApp($0, relativeTo: file.deletingLastPathComponent())
            }
        } catch let error as JSONPathError {
            throw SeedError("\(file.path): \(error)")
        }
        return plan
    }

    private static func readApp(_ item: JSONCursor, relativeTo base: URL) throws -> SeedPlan.App {
        let program = Catalog.MiniProgram(
            id: try item.requireName("id"), partnerId: try item.requireName("partner"),
            name: try item.requireText("name", maximum: 40), category: try item.requireText("category", maximum: 40))
        let sourceCursor = try item.require("source")
        let source = base.appendingPathComponent(try sourceCursor.string()).standardizedFileURL
        let package: Data
        let loaded: MiniKit.MiniProgram.LoadResult
        do {
            let files = try PackageFiles.read(folder: source)
            package = try files.pack()
            loaded = MiniKit.MiniProgram.load(files)
        } catch {
            throw sourceCursor.error("cannot read the mini-program: \(error.message)")
        }
        guard let checked = loaded.program, let reviewReport = loaded.report else {
            throw sourceCursor.error("the mini-program does not pass the checker:\n\(loaded.diagnostics)")
        }
        let manifest = checked.manifest
        let version = MiniProgramVersion(
            appId: program.id, manifest: manifest,
            package: PackageReference(sha256: PackageReference.digest(of: package), size: package.count))
        return SeedPlan.App(
            program: program, version: version, package: package,
            report: String(decoding: try JSONEncoder().encode(reviewReport), as: UTF8.self),
            releases: try item.arrayField("releases").map { try ListingRequest(json: $0, action: "seed") },
            offers: try item.arrayField("offers").map(SeedPlan.Offer.init(json:)))
    }

    /// Writes what a seed plan holds and the store does not have yet. When a write fails, the error carries the
    /// secrets not shown yet; loading the seed again completes it (and shows them again).
    public func apply(_ plan: SeedPlan) async throws -> Report {
        var report = Report()
        do {
            let secrets = try await prepareSecrets(plan)
            try await apply(plan, secrets: secrets, into: &report)
            try await show(secrets, plan: plan, into: &report)
        } catch {
            var created = report
            if let secrets = try? SeedSecrets.load(from: secretsFile) {
                try? await show(secrets, plan: plan, into: &created)
            }
            throw SeedError("\(plan.file.path): \(error)", created: created)
        }
        return report
    }

    /// A secret for every host and account of the plan that the store lacks, on disk before any row.
    private func prepareSecrets(_ plan: SeedPlan) async throws -> SeedSecrets {
        var secrets = try SeedSecrets.load(from: secretsFile)
        let before = secrets
        for host in plan.hosts where secrets.hostKeys[host.id] == nil {
            if try await store.hostApp(id: host.id) == nil { secrets.hostKeys[host.id] = HostRoutes.newHostKey() }
        }
        // A host without keys of its own gets a demo user-signing key, on disk before its row.
        for host in plan.hosts where host.userKeys.isEmpty && secrets.hostKeys[host.id] != nil {
            let file = userKeyFile(host: host.id)
            if !FileManager.default.fileExists(atPath: file.path) {
                try FileManager.default.createDirectory(
                    at: userKeysFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                try KeyFiles.writePrivateKey(SigningKey.generate(), to: file)
            }
        }
        for account in plan.accounts where secrets.accountTokens[account.id] == nil {
            if try await !store.accountExists(id: account.id) {
                secrets.accountTokens[account.id] = APIToken.generate()
            }
        }
        if secrets != before { try secrets.save(to: secretsFile) }
        return secrets
    }

    /// The secrets of the file that the store accepts (a row may be missing after a cut-off run, or another
    /// account of that id may exist): hosts and accounts in the plan's order.
    private func show(_ secrets: SeedSecrets, plan: SeedPlan, into report: inout Report) async throws {
        report.hostKeys = []
        report.accounts = []
        let hostOrder = plan.hosts.map(\.id) + secrets.hostKeys.keys.sorted()
        for host in Self.unique(hostOrder) {
            guard let key = secrets.hostKeys[host], try await store.host(forKeyHash: APIToken.hash(key)) == host
            else { continue }
            report.hostKeys.append((host, key))
        }
        let accountOrder = plan.accounts.map(\.id) + secrets.accountTokens.keys.sorted()
        for id in Self.unique(accountOrder) {
            guard let token = secrets.accountTokens[id],
                let account = try await store.account(forTokenHash: APIToken.hash(token)), account.id == id
            else { continue }
            report.accounts.append((id, account.role.description, token))
        }
    }

    private static func unique(_ ids: [String]) -> [String] {
        var seen: Set<String> = []
        return ids.filter { seen.insert($0).inserted }
    }

    private func apply(_ plan: SeedPlan, secrets: SeedSecrets, into report: inout Report) async throws {
        for organisation in plan.organisations {
            _ = try await store.createOrganisation(organisation, audit: nil)
        }
        for var host in plan.hosts {
            guard let key = secrets.hostKeys[host.id] else { continue }  // the host existed before this seed
            if host.userKeys.isEmpty {
                let file = userKeyFile(host: host.id)
                host.userKeys = [try KeyFiles.readSigningKey(at: file).verificationKey.base64]
                report.userKeyFiles.append((host.id, file))
            }
            _ = try await store.createHostApp(host, keyHash: APIToken.hash(key), audit: nil)
        }
        for partner in plan.partners {
            _ = try await store.createPartner(id: partner.id, name: partner.name)
        }
        for account in plan.accounts {
            guard let token = secrets.accountTokens[account.id], try await !store.accountExists(id: account.id)
            else { continue }
            try await store.createAccount(account, tokenHash: APIToken.hash(token), at: clock.now())
        }
        for segment in plan.segments {
            if case .created = try await store.createSegment(
                name: segment.name, constraints: segment.constraints, audit: nil, maximum: .max)
            {
                report.segments.append(segment.name)
            }
        }
        for app in plan.apps {
            try await apply(app, report: &report)
        }
        if !report.versions.isEmpty || !report.releases.isEmpty || !secrets.isEmpty {
            try await store.appendAudit(
                AuditEntry(
                    at: clock.now(), actor: "seed", action: "seed.load", target: plan.file.lastPathComponent,
                    reason:
                        "\(secrets.accountTokens.count) accounts, \(secrets.hostKeys.count) hosts, \(report.versions.count) versions, \(report.releases.count) releases"
                ))
        }
    }

    private func apply(_ app: SeedPlan.App, report: inout Report) async throws {
        let program = app.program
        let version = app.version.version
        _ = try await store.createMiniProgram(program)
        if try await store.version(appId: program.id, version: version) == nil {
            _ = try await packages.put(app.package)
            _ = try await store.addVersion(
                app.version, report: app.report, uploadedBy: "seed", at: clock.now(), audit: nil)
            report.versions.append("\(program.id)@\(version)")
        }
        try await review(appId: program.id, version: version)
        let existing = Set(try await store.listings(appId: program.id).map(\.hostId))
        for request in app.releases {
            let host = request.host
            guard !existing.contains(host), let hostApp = try await store.hostApp(id: host) else { continue }
            let segmentIds = try await store.segmentIds(for: request)
            var plan = ReleasePlan(appId: program.id, hostId: host, stableVersion: version)
            var state = ListingState.full
            if let gray = try request.grayRelease(appId: program.id, version: version, segmentIds: segmentIds) {
                plan = ReleasePlan(appId: program.id, hostId: host, stableVersion: nil, gray: gray)
                state = .gray
            }
            _ = try await store.commit(
                Listing(appId: program.id, hostId: host, state: state, plan: plan),
                event: state == .gray ? .grayChanged : .published, version: version, reason: nil, at: clock.now(),
                audit: AuditEntry(
                    at: clock.now(), actor: "seed", action: state == .gray ? "listing.release-gray" : "listing.release",
                    target: "\(program.id)@\(host)", organisation: hostApp.organisation),
                expected: nil, requireActiveHost: true)
            report.releases.append("\(program.id) on \(host)\(state == .gray ? " (gray)" : "")")
        }
        try await offer(app, except: existing, report: &report)
    }

    /// The seed's offers to external organisations' hosts, decided as the file says: an accepted one is listed
    /// in the transaction that accepts it, as it would be through the API.
    private func offer(_ app: SeedPlan.App, except listed: Set<String>, report: inout Report) async throws {
        let program = app.program
        let version = app.version.version
        for item in app.offers {
            guard !listed.contains(item.host), let host = try await store.hostApp(id: item.host), host.isExternal
            else { continue }
            let now = clock.now()
            // A run cut off after the offer decides it now; one the organisation decided is left as it is.
            let earlier = try await store.offers(hostIds: [host.id], limit: 1000).first {
                $0.appId == program.id && $0.version == version
            }
            if let earlier, earlier.state != .pending { continue }
            if earlier == nil {
                _ = try await store.createOffer(
                    Offer(appId: program.id, hostId: host.id, version: version, offeredBy: "seed", offeredAt: now),
                    audit: nil)
            }
            switch item.decision {
            case .pending: break
            case .decline:
                _ = try await store.declineOffer(
                    appId: program.id, hostId: host.id, version: version, by: "seed", at: now, reason: item.reason,
                    audit: nil)
            case .accept:
                _ = try await store.commit(
                    Listing(
                        appId: program.id, hostId: host.id, state: .full,
                        plan: ReleasePlan(appId: program.id, hostId: host.id, stableVersion: version)),
                    event: .published, version: version, reason: nil, at: now,
                    audit: AuditEntry(
                        at: now, actor: "seed", action: "offer.accept", target: "\(program.id)@\(host.id)",
                        organisation: host.organisation),
                    expected: nil, requireActiveHost: true, seal: nil,
                    accepting: OfferAcceptance(version: version, by: "seed", at: now, reason: item.reason))
                report.releases.append("\(program.id) on \(host.id) (accepted by \(host.organisation))")
            }
        }
    }

    /// The seed goes through the workflow like anyone: submitted, then approved at every stage in order. It
    /// starts from the state the version is in, so a run cut off between two decisions resumes at the next one.
    private func review(appId: String, version: SemanticVersion) async throws {
        // Each pass records one decision; the workflow has 1 + stages of them.
        for _ in 0...(stages.count + 1) {
            guard let stored = try await store.version(appId: appId, version: version) else {
                throw SeedError("version \(version) of '\(appId)' disappeared during the seed")
            }
            let decision: (stage: String, next: MiniProgramVersion.ReviewState)
            switch stored.version.reviewState {
            case .approved:
                return
            case .rejected:
                throw SeedError(
                    "version \(version) of '\(appId)' was rejected; the seed releases only approved versions")
            case .draft, .submitted:
                decision = ("", .inReview)
            case .inReview:
                // Every stage approved (the stages were shortened since): the review is complete.
                let stage = stored.currentStage(of: stages) ?? ""
                decision = (stage, stage.isEmpty || stage == stages.last ? .approved : .inReview)
            }
            _ = try await store.recordReview(
                ReviewDecision(
                    appId: appId, version: version, stage: decision.stage, approved: true,
                    reviewer: decision.stage.isEmpty ? "seed" : "seed-\(decision.stage)", reason: nil,
                    at: clock.now()),
                newState: decision.next, expectedState: stored.version.reviewState, audit: nil)
        }
        throw SeedError("version \(version) of '\(appId)' did not reach approval")
    }
}
