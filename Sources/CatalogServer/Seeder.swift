import Catalog
import Foundation
import MiniKit

/// Loads a demo data set (`catalogd serve --seed FILE`): hosts, partners, accounts, and mini-programs packed
/// from their folders, reviewed at every stage and released. Idempotent: what exists is left as it is.
public struct Seeder: Sendable {
    /// What a seed run created: the secrets are shown once.
    public struct Report: Sendable {
        public var accounts: [(id: String, role: String, token: String)] = []
        public var hostKeys: [(host: String, key: String)] = []
        public var versions: [String] = []
        public var releases: [String] = []
        public var segments: [String] = []
    }

    let store: any CatalogStore
    let packages: PackageStore
    let stages: [String]
    let clock: any CatalogClock

    public init(
        store: any CatalogStore, packages: PackageStore, stages: [String], clock: any CatalogClock = SystemClock()
    ) {
        self.store = store
        self.packages = packages
        self.stages = stages
        self.clock = clock
    }

    /// Reads and applies a seed file; errors name the file and the JSON path.
    public func load(_ file: URL) async throws -> Report {
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
        var report = Report()
        do {
            for item in try root.arrayField("hosts") {
                let host = try HostRoutes.hostApp(item)
                let key = HostRoutes.newHostKey()
                guard try await store.createHostApp(host, keyHash: APIToken.hash(key), audit: nil) else { continue }
                report.hostKeys.append((host.id, key))
            }
            for item in try root.arrayField("partners") {
                _ = try await store.createPartner(
                    id: try item.requireName("id"), name: try item.requireText("name", maximum: 80))
            }
            for item in try root.arrayField("accounts") {
                let roleCursor = try item.require("role")
                guard let role = Role(try roleCursor.string()) else { throw roleCursor.error("unknown role") }
                let id = try item.requireName("id")
                guard try await !store.accountExists(id: id) else { continue }
                let token = APIToken.generate()
                try await store.createAccount(
                    Account(id: id, name: try item.requireText("name", maximum: 80), role: role),
                    tokenHash: APIToken.hash(token), at: clock.now())
                report.accounts.append((id, role.description, token))
            }
            for item in try root.arrayField("segments") {
                try item.onlyFields(["name", "constraints"])
                let name = try item.requireName("name")
                var constraints: [RolloutConstraint] = []
                for constraint in try item.arrayField("constraints") {
                    constraints.append(try RolloutConstraint(json: constraint))
                }
                if case .created = try await store.createSegment(
                    name: name, constraints: constraints, audit: nil, maximum: .max)
                {
                    report.segments.append(name)
                }
            }
            for item in try root.arrayField("apps") {
                try await seedApp(item, relativeTo: file.deletingLastPathComponent(), report: &report)
            }
        } catch let error as JSONPathError {
            throw SeedError("\(file.path): \(error)")
        }
        if !report.versions.isEmpty || !report.accounts.isEmpty || !report.hostKeys.isEmpty {
            try await store.appendAudit(
                AuditEntry(
                    at: clock.now(), actor: "seed", action: "seed.load", target: file.lastPathComponent,
                    reason:
                        "\(report.accounts.count) accounts, \(report.hostKeys.count) hosts, \(report.versions.count) versions, \(report.releases.count) releases"
                ))
        }
        return report
    }

    private func seedApp(_ item: JSONCursor, relativeTo base: URL, report: inout Report) async throws {
        let program = Catalog.MiniProgram(
            id: try item.requireName("id"), partnerId: try item.requireName("partner"),
            name: try item.requireText("name", maximum: 40), category: try item.requireText("category", maximum: 40))
        _ = try await store.createMiniProgram(program)
        let sourceCursor = try item.require("source")
        let source = base.appendingPathComponent(try sourceCursor.string()).standardizedFileURL
        let data: Data
        let loaded: MiniKit.MiniProgram.LoadResult
        do {
            let files = try PackageFiles.read(folder: source)
            data = try files.pack()
            loaded = MiniKit.MiniProgram.load(files)
        } catch {
            throw sourceCursor.error("cannot read the mini-program: \(error.message)")
        }
        guard let checked = loaded.program, let reviewReport = loaded.report else {
            throw sourceCursor.error("the mini-program does not pass the checker:\n\(loaded.diagnostics)")
        }
        let version = checked.manifest.version
        if try await store.version(appId: program.id, version: version) == nil {
            let digest = try packages.put(data)
            let record = MiniProgramVersion(
                appId: program.id, version: version, package: PackageReference(sha256: digest, size: data.count),
                scopes: checked.manifest.permissions.map { ScopeRequest(scope: $0.scope.rawValue, reason: $0.reason) },
                domains: checked.manifest.domains, minimumHostVersion: checked.manifest.minimumHostVersion,
                reviewState: .draft)
            _ = try await store.addVersion(
                record, report: String(decoding: try JSONEncoder().encode(reviewReport), as: UTF8.self),
                uploadedBy: "seed", at: clock.now(), audit: nil)
            // The seed goes through the workflow like anyone: submitted, then approved at every stage.
            _ = try await store.recordReview(
                ReviewDecision(
                    appId: program.id, version: version, stage: "", approved: true, reviewer: "seed", reason: nil,
                    at: clock.now()), newState: .inReview, expectedState: .draft, audit: nil)
            for (index, stage) in stages.enumerated() {
                let last = index == stages.count - 1
                _ = try await store.recordReview(
                    ReviewDecision(
                        appId: program.id, version: version, stage: stage, approved: true, reviewer: "seed-\(stage)",
                        reason: nil, at: clock.now()),
                    newState: last ? .approved : .inReview, expectedState: .inReview, audit: nil)
            }
            report.versions.append("\(program.id)@\(version)")
        }
        let existing = Set(try await store.listings(appId: program.id).map(\.hostId))
        for release in try item.arrayField("releases") {
            let request = try ListingRequest(json: release, action: "seed")
            let host = request.host
            guard !existing.contains(host), try await store.hostApp(id: host) != nil else { continue }
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
                    target: "\(program.id)@\(host)"),
                expected: nil, requireActiveHost: true)
            report.releases.append("\(program.id) on \(host)\(state == .gray ? " (gray)" : "")")
        }
    }
}

/// A seed file that cannot be loaded.
public struct SeedError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
