import Catalog
import CatalogTestSupport
import Foundation
import MiniSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `kill -9` in the middle of uploads and delistings: after a restart everything the server acknowledged is
/// there, whole, with its audit entry, and nothing half-written shows.
struct CrashRecoveryTests {
    static let seeds = PlatformCommandTests.samples.deletingLastPathComponent().appendingPathComponent(
        "seeds/demo.json")

    /// Records what the server acknowledged, from several tasks.
    actor Acknowledged {
        var uploads: [(version: String, sha256: String)] = []
        var listingStates: [String] = []
        var failures = 0
        func upload(_ version: String, _ sha: String) { uploads.append((version, sha)) }
        func listing(_ state: String) { listingStates.append(state) }
        func failed() { failures += 1 }
    }

    static func send(_ method: String, _ url: URL, token: String, body: Data, type: String) async -> (Int, JSONCursor)?
    {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 5
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(type, forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        guard let (data, response) = try? await URLSession.shared.data(for: request),
            let json = try? JSONValue.parse(data)
        else { return nil }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, JSONCursor(json))
    }

    @Test("kill -9 during uploads and delistings loses nothing that was acknowledged")
    func killDuringWrites() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.url.appendingPathComponent("data")
        let ops = try await PlatformCommandTests.token(data, "crash-ops", "ops")
        let developer = try await PlatformCommandTests.token(data, "crash-dev", "developer:carins")

        // Twenty distinct versions of the car insurance, packed before the server starts.
        var packages: [(String, Data)] = []
        let source = PlatformCommandTests.samples.appendingPathComponent("car-insurance")
        let manifest = try String(contentsOf: source.appendingPathComponent("manifest.json"), encoding: .utf8)
        for index in 0..<20 {
            let copy = folder.url.appendingPathComponent("car-\(index)")
            try FileManager.default.copyItem(at: source, to: copy)
            let version = "3.0.\(index)"
            try manifest.replacingOccurrences(of: "\"version\": \"2.1.0\"", with: "\"version\": \"\(version)\"")
                .write(to: copy.appendingPathComponent("manifest.json"), atomically: true, encoding: .utf8)
            let file = folder.url.appendingPathComponent("car-\(index).zip")
            let packed = try await CommandRunner.run("minictl", ["pack", copy.path, "-o", file.path])
            #expect(packed.status == 0, "\(packed.stderr)")
            packages.append((version, try Data(contentsOf: file)))
        }

        let prepared = packages
        let (server, url, _) = try await PlatformCommandTests.serve(data, ["--seed", Self.seeds.path])
        let base = URL(string: url)!
        let acknowledged = Acknowledged()
        let stop = ManagedFlag()
        let uploads = Task {
            await withTaskGroup(of: Void.self) { group in
                for lane in 0..<2 {
                    group.addTask {
                        for (index, package) in prepared.enumerated() where index % 2 == lane {
                            guard !stop.isSet else { return }
                            guard
                                let (status, json) = await Self.send(
                                    "POST", base.appendingPathComponent("v1/apps/com.carins.quote/versions"),
                                    token: developer, body: package.1, type: "application/zip")
                            else {
                                await acknowledged.failed()
                                continue
                            }
                            if status == 201, let sha = try? json.require("sha256").string() {
                                await acknowledged.upload(package.0, sha)
                            }
                        }
                    }
                }
            }
        }
        let listings = Task {
            var delist = true
            while !stop.isSet {
                let body = delist ? #"{"host": "kiosk", "reason": "crash test"}"# : #"{"host": "kiosk"}"#
                guard
                    let (status, json) = await Self.send(
                        "POST",
                        base.appendingPathComponent("v1/apps/com.citypower.bills/\(delist ? "delist" : "relist")"),
                        token: ops, body: Data(body.utf8), type: "application/json")
                else {
                    await acknowledged.failed()
                    continue
                }
                if status == 200, let state = try? json.require("state").string() {
                    await acknowledged.listing(state)
                    delist.toggle()
                }
            }
        }
        // Kill while both kinds of write are in full flow.
        let deadline = Date().addingTimeInterval(60)
        while true {
            let uploaded = await acknowledged.uploads.count
            let changed = await acknowledged.listingStates.count
            if uploaded >= 4 && changed >= 6 { break }
            guard Date() < deadline else {
                Issue.record("the server acknowledged only \(uploaded) uploads and \(changed) listing changes in 60 s")
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        kill(server.processIdentifier, SIGKILL)
        await CommandRunner.exit(server)
        stop.set()
        _ = await (uploads.value, listings.value)
        #expect(server.terminationReason == .uncaughtSignal)

        let (restarted, url2, _) = try await PlatformCommandTests.serve(data)
        defer { stopInBackground(restarted) }
        let base2 = URL(string: url2)!
        func get(_ path: String) async throws -> (Int, Data) {
            var request = URLRequest(url: base2.appendingPathComponent(path))
            request.setValue("Bearer \(ops)", forHTTPHeaderField: "Authorization")
            let (body, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, body)
        }
        for (version, sha) in await acknowledged.uploads {
            let (status, body) = try await get("v1/apps/com.carins.quote/versions/\(version)")
            #expect(status == 200, "acknowledged upload \(version) is there")
            #expect(String(decoding: body, as: UTF8.self).contains(sha))
            let (packageStatus, bytes) = try await get("v1/packages/\(sha)")
            #expect(packageStatus == 200)
            #expect(
                PackageReference.digest(of: bytes) == sha,
                "the package of \(version) is whole")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: data.appendingPathComponent("packages").path
        )
        .filter { name in
            // DIGEST.zip and nothing else: no temporary file of any kind survives a restart.
            !(name.count == 68 && name.hasSuffix(".zip")
                && name.dropLast(4).allSatisfy { $0.isHexDigit && !$0.isUppercase })
        }
        #expect(leftovers.isEmpty, "temporary files are cleared at start: \(leftovers)")
        // And every package left is one a version names (an upload cut off before its row leaves none).
        var named: Set<String> = []
        let (_, appsBody) = try await get("v1/apps")
        for app in try JSONCursor(try JSONValue.parse(appsBody)).require("apps").array() {
            let (_, versionsBody) = try await get("v1/apps/\(try app.require("id").string())/versions")
            for version in try JSONCursor(try JSONValue.parse(versionsBody)).require("versions").array() {
                named.insert(try version.require("sha256").string() + ".zip")
            }
        }
        let stored = try FileManager.default.contentsOfDirectory(atPath: data.appendingPathComponent("packages").path)
        #expect(Set(stored) == named, "the packages folder holds exactly the versions' packages")

        // The listing is where the last acknowledged change left it, or one step further (a change that
        // committed but whose answer the kill cut off); the audit log has one entry per committed change.
        let states = await acknowledged.listingStates
        let (_, listingBody) = try await get("v1/apps/com.citypower.bills/listings")
        let current = try JSONCursor(try JSONValue.parse(listingBody)).require("listings").array()
            .first { try $0.require("host").string() == "kiosk" }?.require("state").string()
        let (_, auditBody) = try await get("v1/audit")
        let changes = try JSONCursor(try JSONValue.parse(auditBody)).require("entries").array().filter {
            try $0.require("target").string() == "com.citypower.bills@kiosk"
                && $0.require("actor").string() == "crash-ops"
        }.count
        #expect(
            changes == states.count || changes == states.count + 1, "\(changes) audited, \(states.count) acknowledged")
        let expected = changes == states.count ? states.last : (states.last == "delisted" ? "full" : "delisted")
        #expect(current == expected)
    }
}

/// A flag set once, read from any task.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
