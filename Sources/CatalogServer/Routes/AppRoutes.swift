import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import MiniKit
import MiniSupport

/// Partners, mini-programs and their versions: partners' developers create and upload; everyone reads what
/// their role lets them see.
struct AppRoutes {
    let store: any CatalogStore
    let packages: PackageStore
    let clock: any CatalogClock

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.post("partners") { request, context -> Response in
            let account = try context.requireOperator(to: "create partners")
            var request = request
            let body = try await RequestBody.json(&request)
            let partner = try RequestBody.read(body, PartnerCreate.init(json:))
            let (id, name) = (partner.id, partner.name)
            guard try await store.createPartner(id: id, name: name) else {
                throw ProblemError(.conflict, code: .partnerExists, detail: "partner '\(id)' exists already")
            }
            try await store.appendAudit(
                AuditEntry(at: clock.now(), actor: account.id, action: "partner.create", target: id))
            return JSONResponse.make(.object(["id": .string(id), "name": .string(name)]), status: .created)
        }
        group.post("apps") { request, context -> Response in
            let account = try context.requireAccount()
            var request = request
            let body = try await RequestBody.json(&request)
            let program = try RequestBody.read(body, Self.miniProgram)
            try Self.requireOwner(account, partner: program.partnerId, action: "create mini-programs")
            guard try await store.partnerName(program.partnerId) != nil else {
                throw ProblemError(
                    .unprocessableContent, code: .unknownPartner, detail: "no partner '\(program.partnerId)'")
            }
            guard try await store.createMiniProgram(program) else {
                throw ProblemError(.conflict, code: .appExists, detail: "mini-program '\(program.id)' exists already")
            }
            try await store.appendAudit(
                AuditEntry(at: clock.now(), actor: account.id, action: "app.create", target: program.id))
            return JSONResponse.make(Self.json(program), status: .created)
        }
        group.get("apps") { _, context -> Response in
            let account = try context.requireBankAccount(
                to: "list the platform's mini-programs (offers list shows yours)")
            let partner: String? = if case .developer(let own) = account.role { own } else { nil }
            return JSONResponse.make(
                .object(["apps": .array(try await store.miniPrograms(partner: partner).map(Self.json))]))
        }
        group.get("apps/:appId/versions") { _, context -> Response in
            let account = try context.requireAccount()
            let program = try await self.program(context)
            try Self.requireOwnerOrStaff(account, program: program)
            let versions = try await store.versions(appId: program.id).map(Self.json)
            return JSONResponse.make(.object(["versions": .array(versions)]))
        }
        group.post("apps/:appId/versions") { request, context -> Response in
            let account = try context.requireAccount()
            let program = try await self.program(context)
            try Self.requireOwner(account, partner: program.partnerId, action: "upload versions")
            var request = request
            let data: Data
            do {
                data = Data(try await request.collectBody(upTo: MiniKitLimits.maximumPackageSize).readableBytesView)
            } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                throw ProblemError(
                    .contentTooLarge, code: .packageTooLarge,
                    detail: "a package is at most \(MiniKitLimits.maximumPackageSize / 1024 / 1024) MiB")
            }
            // The platform checks every upload with the same checker partners run (minictl check).
            let loaded = MiniKit.MiniProgram.load(package: data)
            guard let checked = loaded.program, let report = loaded.report else {
                throw ProblemError(
                    .unprocessableContent, code: .invalidPackage, detail: loaded.diagnostics.description)
            }
            guard checked.manifest.id == program.id else {
                throw ProblemError(
                    .unprocessableContent, code: .wrongApp,
                    detail: "the package's manifest id is '\(checked.manifest.id)', not '\(program.id)'")
            }
            // Refused before anything is written, so a repeated upload leaves no file behind.
            if try await store.version(appId: program.id, version: checked.manifest.version) != nil {
                throw Self.versionExists(checked.manifest.version, program.id)
            }
            let digest = try await packages.put(data)
            let version = MiniProgramVersion(
                appId: program.id, manifest: checked.manifest,
                package: PackageReference(sha256: digest, size: data.count))
            let reportJSON = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
            let audit = AuditEntry(
                at: clock.now(), actor: account.id, action: "version.upload",
                target: "\(program.id)@\(version.version)")
            guard
                try await store.addVersion(
                    version, report: reportJSON, uploadedBy: account.id, at: clock.now(), audit: audit)
            else {
                throw Self.versionExists(version.version, program.id)
            }
            var reply = Self.json(version)
            if case .object(var members) = reply, let reportValue = try? JSONValue.parse(Data(reportJSON.utf8)) {
                members["report"] = reportValue
                members["warnings"] = .number(Double(loaded.diagnostics.warnings.count))
                reply = .object(members)
            }
            return JSONResponse.make(reply, status: .created)
        }
    }

    /// The body of `POST /v1/apps` (``AppCreate``), its category one of the manifest's.
    static func miniProgram(_ json: JSONCursor) throws(JSONPathError) -> Catalog.MiniProgram {
        let body = try AppCreate(json: json, categories: Manifest.categories)
        return Catalog.MiniProgram(id: body.id, partnerId: body.partnerId, name: body.name, category: body.category)
    }

    private func program(_ context: CatalogRequestContext) async throws -> Catalog.MiniProgram {
        let id = context.parameters.get("appId") ?? ""
        let program = try await store.requireMiniProgram(id)
        return program
    }

    /// Developers act only for their own partner; operators act for any.
    static func requireOwner(_ account: Account, partner: String, action: String) throws {
        switch account.role {
        case .admin, .ops: return
        case .developer(let own) where own == partner: return
        default:
            throw ProblemError(
                .forbidden, code: .forbidden,
                detail: "'\(account.id)' (\(account.role)) may not \(action) for partner '\(partner)'")
        }
    }

    /// Developers see their own partner's versions; reviewers and operators see all; host organisations none.
    static func requireOwnerOrStaff(_ account: Account, program: Catalog.MiniProgram) throws {
        let allowed =
            switch account.role {
            case .developer(let own): own == program.partnerId
            case .hostops: false
            case .admin, .ops, .reviewer: true
            }
        guard allowed else {
            throw ProblemError(
                .forbidden, code: .forbidden,
                detail: "'\(account.id)' may not see partner '\(program.partnerId)''s mini-programs")
        }
    }

    static func versionExists(_ version: SemanticVersion, _ appId: String) -> ProblemError {
        ProblemError(
            .conflict, code: .versionExists,
            detail: "version \(version) of '\(appId)' was uploaded already; raise the version in manifest.json")
    }

    static func json(_ program: Catalog.MiniProgram) -> JSONValue {
        .object([
            "id": .string(program.id), "partnerId": .string(program.partnerId), "name": .string(program.name),
            "category": .string(program.category),
        ])
    }

    static func json(_ version: MiniProgramVersion) -> JSONValue {
        var members: [String: JSONValue] = [
            "appId": .string(version.appId), "version": .string(version.version.description),
            "sha256": .string(version.package.sha256), "size": .number(Double(version.package.size)),
            "reviewState": .string(version.reviewState.rawValue),
            "domains": .array(version.domains.map(JSONValue.string)),
            "scopes": .array(
                version.scopes.map { .object(["scope": .string($0.scope), "reason": .string($0.reason)]) }),
        ]
        if let minimum = version.minimumHostVersion { members["minimumHostVersion"] = .string(minimum.description) }
        return .object(members)
    }
}
