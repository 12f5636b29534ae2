import ArgumentParser
import Catalog
import CatalogAPI
import Foundation
import MiniKit
import MiniSupport

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Save the server and token (checked against the server) to ~/.config/minictl/config.json (0600).")

    @OptionGroup var platform: PlatformOptions

    func run() async throws {
        guard let server = platform.server, let token = platform.token else {
            throw ValidationError("give --server URL and --token TOKEN")
        }
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--server: a URL such as http://127.0.0.1:8080, not '\(server)'")
        }
        _ = try await PlatformClient(base: url, token: token).call(CatalogAPI.hosts)
        let file = PlatformOptions.configFile
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let data = try JSONEncoder().encode(["server": server, "token": token])
        guard FileManager.default.createFile(atPath: file.path, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw CommandFailure("cannot write '\(file.path)': check the folder's permissions") }
        print("logged in to \(server); saved \(file.path)")
    }
}

struct Upload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Upload a version of a mini-program (a folder is checked and packed first).")

    @Argument(help: "The mini-program id (the manifest id).") var app: String
    @Argument(help: ArgumentHelp("A mini-program folder or package file.", valueName: "PATH")) var path: String
    @Option(help: "Draw a progress bar: auto (on a terminal), always or never.") var progress: ProgressMode = .auto
    @OptionGroup var platform: PlatformOptions

    func run() async throws {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CommandFailure("'\(path)' does not exist")
        }
        let data: Data
        if isDirectory.boolValue {
            do {
                data = try PackageFiles.read(folder: url).pack()
            } catch {
                throw CommandFailure(error.rendered)
            }
        } else {
            data = try readFile(path, what: "package", limit: MiniKitLimits.maximumPackageSize)
        }
        let bar = progress.enabled ? ProgressBar(label: "uploading \(app)") : nil
        if bar == nil { FileHandle.standardError.write(Data("uploading \(data.count) bytes to \(app)…\n".utf8)) }
        let reply = try await platform.client().call(
            CatalogAPI.upload, ["appId": app], data: data, contentType: "application/zip", progress: bar)
        let cursor = JSONCursor(reply)
        emit(reply, json: platform.json) {
            "uploaded \(app) \((try? cursor.require("version").string()) ?? "?") — sha256 \((try? cursor.require("sha256").string()) ?? "?"), state \((try? cursor.require("reviewState").string()) ?? "?")"
        }
    }
}

struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Submit an uploaded version for review.")
    @Argument var app: String
    @Argument var version: String
    @OptionGroup var platform: PlatformOptions

    func run() async throws {
        let reply = try await platform.client().call(
            CatalogAPI.submit, ["appId": app, "version": version], json: .object([:]))
        emit(reply, json: platform.json) {
            "submitted \(app) \(version): waiting for \((try? JSONCursor(reply).require("waitingFor").string()) ?? "review")"
        }
    }
}

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The review queue and decisions.", subcommands: [List.self, Show.self, Approve.self, Reject.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A version's state, decisions so far and MiniKit's review report.")
        @Argument var app: String
        @Argument var version: String
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(CatalogAPI.version, ["appId": app, "version": version])
            emit(reply, json: platform.json) {
                let cursor = JSONCursor(reply)
                var lines = [
                    "\(app) \(version): \(cursor.text("reviewState"))"
                        + (cursor.text("waitingFor") == "-" ? "" : ", waiting for \(cursor.text("waitingFor"))"),
                    "uploaded by \(cursor.text("uploadedBy")); sha256 \(cursor.text("sha256")), \(cursor.text("size")) bytes",
                ]
                for review in (try? cursor.require("reviews").array()) ?? [] {
                    let stage = review.text("stage").isEmpty ? "submitted" : review.text("stage")
                    lines.append(
                        "  \(review.text("at"))  \(stage): \(review.text("decision")) by \(review.text("reviewer"))"
                            + (review.text("reason") == "-" ? "" : " — \(review.text("reason"))"))
                }
                if let report = try? cursor.require("report"),
                    let decoded = try? JSONDecoder().decode(
                        ReviewReport.self, from: Data(report.value.serialized().utf8))
                {
                    lines.append("")
                    lines.append(decoded.text)
                }
                return lines.joined(separator: "\n")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Versions waiting for your stage (all stages for ops).")
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(CatalogAPI.reviews)
            emit(reply, json: platform.json) {
                let rows = ((try? JSONCursor(reply).require("versions").array()) ?? []).map { item in
                    "\((try? item.require("appId").string()) ?? "?") \((try? item.require("version").string()) ?? "?")  waiting for \((try? item.require("waitingFor").string()) ?? "?")  uploaded by \((try? item.require("uploadedBy").string()) ?? "?")"
                }
                return rows.isEmpty ? "nothing waits for you" : rows.joined(separator: "\n")
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve the stage a version waits for.")
        @Argument var app: String
        @Argument var version: String
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(
                CatalogAPI.approve, ["appId": app, "version": version], json: .object([:]))
            emit(reply, json: platform.json) {
                "\(app) \(version): \((try? JSONCursor(reply).require("reviewState").string()) ?? "?")"
            }
        }
    }

    struct Reject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reject a version, with the reason the partner reads.")
        @Argument var app: String
        @Argument var version: String
        @Option(help: "Why (4 to 500 characters).") var reason: String
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(
                CatalogAPI.reject, ["appId": app, "version": version], json: ReasonRequest(reason: reason).jsonValue)
            emit(reply, json: platform.json) { "\(app) \(version): rejected" }
        }
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per host: the listing, and which enrolled devices confirmed the latest delisting.",
        discussion: """
            The delisting column says when and why the app was delisted, then how many active devices confirmed \
            it. Only acknowledgements signed by an enrolled, unrevoked device count. Active devices are those \
            seen in the last hour; those that have not confirmed are listed with when they were last seen. The \
            complaints column counts customers' complaints from the host's shells ('minictl reports --app APP').
            """)
    @Argument var app: String
    @OptionGroup var platform: PlatformOptions

    func run() async throws {
        let reply = try await platform.client().call(CatalogAPI.status, ["appId": app])
        emit(reply, json: platform.json) {
            var table = TextTable("HOST", "STATE", "STABLE", "GRAY", "AUDIENCE", "COMPLAINTS", "DELISTING")
            for host in (try? JSONCursor(reply).require("hosts").array()) ?? [] {
                let plan = try? host.require("plan")
                let gray = (try? plan?.require("gray")).map { $0.text("version") } ?? "-"
                var delisting = "-"
                if let status = try? host.require("delisting") {
                    let pending = ((try? status.require("pendingShells").array()) ?? []).map {
                        "\($0.text("deviceId")) (last seen \($0.text("lastSeen")))"
                    }
                    // When and why first: what operations check before the confirmations.
                    let when = status.text("at").prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
                    let confirmations =
                        status.text("activeShells") == "0"
                        ? "no active devices (none seen in the last hour)"
                        : "\(status.text("confirmed"))/\(status.text("activeShells")) active devices confirmed"
                    // The bank's delistings are the usual case; a host organisation's own is named.
                    let by = ["bank", "-"].contains(host.text("delistedBy")) ? "" : " (by \(host.text("delistedBy")))"
                    delisting =
                        "\(when) \"\(status.text("reason"))\"\(by): \(confirmations)"
                        + (pending.isEmpty ? "" : "; waiting: \(pending.joined(separator: ", "))")
                }
                table.add(
                    host.text("host"), host.text("state"), plan?.text("stableVersion") ?? "-", gray,
                    host.text("audience"), host.text("complaints"), delisting)
            }
            return table.rendered
        }
    }
}

struct Partner: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Partners (ops).", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a partner.")
        @Argument(help: "The partner id.") var id: String
        @Option(help: "The partner's name.") var name: String
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(
                CatalogAPI.createPartner, json: PartnerCreate(id: id, name: name).jsonValue)
            emit(reply, json: platform.json) { "created partner \(id)" }
        }
    }
}

struct Host: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Host apps.",
        subcommands: [
            List.self, Create.self, Deactivate.self, Activate.self, RotateKey.self, UserTrust.self, Brand.self,
        ])

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deactivate a host app (ops): everything listed on it is delisted, its shells purge it.")
        @Argument(help: "The host id.") var id: String
        @Option(help: "Why (4 to 500 characters).") var reason: String
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(
                CatalogAPI.deactivateHost, ["hostId": id], json: ReasonRequest(reason: reason).jsonValue)
            emit(reply, json: platform.json) {
                let delisted = ((try? JSONCursor(reply).require("delisted").array()) ?? []).map { $0.text("appId") }
                return
                    "deactivated host \(id); delisted: \(delisted.isEmpty ? "nothing" : delisted.joined(separator: ", "))"
            }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Activate a host app again (ops); its listings stay delisted until relisted.")
        @Argument(help: "The host id.") var id: String
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(CatalogAPI.activateHost, ["hostId": id])
            emit(reply, json: platform.json) { "activated host \(id)" }
        }
    }

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract:
                "Replace a host app's key (ops, or its hostops); the old key stops working, the new one is shown once.")
        @Argument(help: "The host id.") var id: String
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(CatalogAPI.rotateHostKey, ["hostId": id])
            emit(reply, json: platform.json) {
                "new host key for \(id) (shown once): \(JSONCursor(reply).text("hostKey"))"
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List host apps.")
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(CatalogAPI.hosts)
            emit(reply, json: platform.json) {
                ((try? JSONCursor(reply).require("hosts").array()) ?? []).map { host in
                    let active = (try? host.require("active").bool()) ?? true
                    let organisation = host.text("organisation")
                    return
                        "\((try? host.require("id").string()) ?? "?")  \((try? host.require("name").string()) ?? "")\(organisation == "bank" ? "" : "  [\(organisation)]")\(active ? "" : "  (deactivated)")"
                }.joined(separator: "\n")
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a host app (ops, or hostops for its own organisation); prints its host key once.",
            discussion: """
                The host key is the shells' credential for enrolling. Without --organisation the host is the \
                bank's (or, for a hostops account, its own organisation's). Only what the host's organisation \
                accepts is listed on another organisation's host ('minictl offer').
                """)
        @Argument(help: "The host id.") var id: String
        @Option(help: "The host app's name.") var name: String
        @Option(help: "The oldest shell version allowed.") var minimumShellVersion: String?
        @Option(help: "Seconds shells may still launch after their catalog expires.") var expiryGrace: Int?
        @Option(help: "The organisation that runs it (see 'org list').") var organisation: String?
        @OptionGroup var trust: UserTrustOptions
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let body = HostCreate(
                id: id, name: name,
                minimumShellVersion: try minimumShellVersion.map {
                    try semanticVersion($0, option: "--minimum-shell-version")
                },
                expiryGraceSeconds: expiryGrace ?? 0, userTrust: try trust.request(), organisation: organisation)
            let reply = try await platform.client().call(CatalogAPI.createHost, json: body.jsonValue)
            emit(reply, json: platform.json) {
                "created host \(id); host key (shown once): \((try? JSONCursor(reply).require("hostKey").string()) ?? "?")"
            }
        }
    }
}

struct App: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mini-programs.", subcommands: [List.self, Create.self, Activity.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the mini-programs you may see.")
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(CatalogAPI.apps)
            emit(reply, json: platform.json) {
                ((try? JSONCursor(reply).require("apps").array()) ?? []).map { app in
                    "\((try? app.require("id").string()) ?? "?")  \((try? app.require("name").string()) ?? "")  [\((try? app.require("partnerId").string()) ?? "")]"
                }.joined(separator: "\n")
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a mini-program (its id is the manifest id).")
        @Argument(help: "The mini-program id.") var id: String
        @Option(help: "The partner it belongs to.") var partner: String
        @Option(help: "Its name.") var name: String
        @Option(help: "Its category.") var category: String
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let reply = try await platform.client().call(
                CatalogAPI.createApp,
                json: AppCreate(id: id, partnerId: partner, name: name, category: category).jsonValue)
            emit(reply, json: platform.json) { "created \(id) for partner \(partner)" }
        }
    }
}
