import Catalog
import CatalogTestSupport
import Foundation
import MiniSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `kill -9` at moments spread over the writes of `catalogd serve --seed`, once or twice, then a run
/// that completes: every token and host key of the seed was shown and works, and nothing unapproved is listed.
struct SeedCrashTests {
    /// A `catalogd serve --seed` killed `delay` after it opened its database (or left to run when nil): what it
    /// printed. Timed from the database rather than the start, so the kills land among the seed's writes however
    /// busy the machine is.
    static func seed(_ data: URL, killAfter delay: TimeInterval?) async throws -> (output: String, process: Process?) {
        if delay == nil {
            let (process, _, output) = try await PlatformCommandTests.serve(
                data, ["--seed", CrashRecoveryTests.seeds.path])
            return (output, process)
        }
        let database = data.appendingPathComponent("catalog.sqlite").path
        // Spawned, timed and killed on a thread of its own: the delay is real time, not a suspension.
        let printed = try await offload { () throws -> Data in
            let process = Process()
            process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("catalogd")
            process.arguments = [
                "serve", "--data", data.path, "--listen", "127.0.0.1:0", "--seed", CrashRecoveryTests.seeds.path,
            ]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: database), process.isRunning, Date() < deadline {
                usleep(500)
            }
            Thread.sleep(forTimeInterval: delay ?? 0)
            kill(process.processIdentifier, SIGKILL)
            let printed = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return printed
        }
        return (String(decoding: printed, as: UTF8.self), nil)
    }

    /// `account ID (ROLE): TOKEN` and `host key HOST: KEY` lines.
    static func secrets(in output: String) -> (accounts: [(String, String)], hosts: [(String, String)]) {
        var accounts: [(String, String)] = []
        var hosts: [(String, String)] = []
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.first == "account", words.count == 4 { accounts.append((String(words[1]), String(words[3]))) }
            if words.starts(with: ["host", "key"]), words.count == 4 {
                hosts.append((String(words[2].dropLast()), String(words[3])))
            }
        }
        return (accounts, hosts)
    }

    @Test(
        "kill -9 anywhere in serve --seed, again and again: every secret is shown and works, only approved code is listed"
    )
    func killDuringSeed() async throws {
        let seedJSON = JSONCursor(try JSONValue.parse(try Data(contentsOf: CrashRecoveryTests.seeds)))
        let accountIds = try seedJSON.require("accounts").array().map { try $0.require("id").string() }
        let hostIds = try seedJSON.require("hosts").array().map { try $0.require("id").string() }
        let appIds = try seedJSON.require("apps").array().map { try $0.require("id").string() }

        // Each round: a fresh data folder, one or two kills at moments spread over the seed's writes (which take
        // some tens of milliseconds after the database opens), then a run that completes. A killed run's output
        // counts as shown (a person saw it).
        let rounds = 24
        var cutMidway = 0
        for round in 0..<rounds {
            let folder = try TemporaryDirectory()
            let data = folder.url.appendingPathComponent("data")
            let moment = 0.060 * Double(round) / Double(rounds)
            var printed = try await Self.seed(data, killAfter: moment).output
            if round % 2 == 1 { printed += try await Self.seed(data, killAfter: moment * 0.9).output }
            if FileManager.default.fileExists(atPath: data.appendingPathComponent("seed-secrets.json").path) {
                cutMidway += 1
            }
            let (last, process) = try await Self.seed(data, killAfter: nil)
            let server = try #require(process)
            defer { stopInBackground(server) }
            try await Self.verify(
                printed + last, data: data, accountIds: accountIds, hostIds: hostIds, appIds: appIds, round: round)
        }
        print("\(cutMidway) of \(rounds) rounds were cut off mid-seed")
    }

    /// Checks what a data folder's last run serves against everything its runs printed.
    static func verify(
        _ printed: String, data: URL, accountIds: [String], hostIds: [String], appIds: [String], round: Int
    ) async throws {
        // The address the last run listens on (a killed run may have got as far as listening too).
        let url = try #require(
            printed.split(whereSeparator: { $0 == " " || $0 == "\n" }).last { $0.hasPrefix("http://") })
        let base = try #require(URL(string: String(url) + "/"))
        func get(_ path: String, token: String? = nil, assertion: String? = nil) async throws -> (Int, JSONCursor?) {
            var request = URLRequest(url: try #require(URL(string: path, relativeTo: base)))
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            if let assertion { request.setValue(assertion, forHTTPHeaderField: "Minicatalog-User-Assertion") }
            let (body, response) = try await URLSession.shared.data(for: request)
            return (
                (response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONValue.parse(body)).map { JSONCursor($0) }
            )
        }

        let (accounts, hosts) = Self.secrets(in: printed)
        #expect(Set(accounts.map(\.0)) == Set(accountIds), "round \(round): every account's token was shown")
        for (id, token) in accounts {
            #expect(try await get("v1/hosts", token: token).0 == 200, "round \(round): the token shown for \(id) works")
        }
        #expect(Set(hosts.map(\.0)) == Set(hostIds), "round \(round): every host key was shown")
        for (id, key) in hosts {
            // A host key enrols devices; the device's token reads the catalog of a user the host vouches for
            // with the user-signing key the seed wrote before the host's row.
            let device = try await Enrolment.token(base: base, host: id, hostKey: key)
            let assertion = try Enrolment.userAssertion(data: data, host: id, user: "u-1")
            #expect(
                try await get("v1/hosts/\(id)/catalog", token: device, assertion: assertion).0 == 200,
                "round \(round): the keys shown and written for \(id) work")
        }
        let ops = try #require(accounts.first { $0.0 == "admin" }?.1)
        var listed = 0
        var packages: Set<String> = []
        for app in appIds {
            let (_, versionsJSON) = try await get("v1/apps/\(app)/versions", token: ops)
            var states: [String: String] = [:]
            for version in try #require(versionsJSON).require("versions").array() {
                states[try version.require("version").string()] = try version.require("reviewState").string()
                packages.insert(try version.require("sha256").string() + ".zip")
            }
            let (_, listingsJSON) = try await get("v1/apps/\(app)/listings", token: ops)
            for listing in try #require(listingsJSON).require("listings").array()
            where try listing.require("state").string() != "delisted" {
                let plan = try listing.require("plan")
                if let version = try? plan.require("stableVersion").string() {
                    listed += 1
                    #expect(states[version] == "approved", "round \(round): \(app)@\(version) is listed")
                }
                if let gray = try? plan.require("gray").require("version").string() {
                    listed += 1
                    #expect(states[gray] == "approved", "round \(round): \(app)@\(gray) is in gray")
                }
            }
        }
        #expect(listed >= appIds.count, "round \(round): the seed's releases are all there")
        // No temporary file, and no package that no version names.
        let files = try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("packages").path)
        #expect(Set(files) == packages, "round \(round): the packages folder holds exactly the versions' packages")
    }
}
