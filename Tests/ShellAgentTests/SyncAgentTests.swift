import Catalog
import CatalogCurl
import CatalogServer
import CatalogTestSupport
import Foundation
import MiniKit
import MiniSupport
import ServerTestSupport
import ShellAgent
import Testing

/// The sync agent against a real catalogd on loopback, over libcurl.
struct SyncAgentTests {
    static let transport = CurlTransport()

    /// A fresh data folder for one shell.
    static func folder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("shell-\(UUID().uuidString)")
    }

    static func agent(
        _ server: TestServer, user: String, data: URL, host: String = "mbank", properties: [String: String] = [:],
        stated: [String: String] = [:], userKey: SigningKey? = nil, keys: [VerificationKey]? = nil,
        transport: (any CatalogTransport)? = nil,
        clock: any CatalogClock = SystemClock(),
        reconnectDelay: (first: Duration, limit: Duration) = (.milliseconds(50), .milliseconds(200)),
        recall: @escaping @Sendable (String, String) async -> Void = { _, _ in }
    ) throws -> SyncAgent {
        try SyncAgent(
            configuration: AgentConfiguration(
                server: server.base.absoluteString, hostId: host, hostKey: server.hostKey(host) ?? "", userId: user,
                userAssertion: .signer(userKey ?? server.userKey(host) ?? .generate(), properties: properties),
                properties: stated, trustedKeys: keys ?? [server.publicKey],
                reconnectDelay: reconnectDelay, refreshJitter: .milliseconds(50)),
            transport: transport ?? Self.transport, store: try ShellStore(directory: data), clock: clock, recall: recall
        )
    }

    /// A catalog request as a newly enrolled device of `host`, for a user the host vouches for.
    static func catalogRequest(_ server: TestServer, host: String, user: String) async throws -> HTTPRequest {
        HTTPRequest(
            url: "\(server.base)/v1/hosts/\(host)/catalog",
            headers: [
                ("Authorization", "Bearer \(try await server.enrolDevice(host: host).token)"),
                ("Minicatalog-User-Assertion", server.userAssertion(host: host, user: user)),
            ])
    }

    /// Posts a listing action as the seeded ops account.
    static func act(_ server: TestServer, _ app: String, _ action: String, _ body: String) async throws {
        let reply = try await Self.transport.send(
            HTTPRequest(
                method: "POST", url: "\(server.base)/v1/apps/\(app)/\(action)",
                headers: [
                    ("Authorization", "Bearer \(server.token("ops-wang")!)"), ("Content-Type", "application/json"),
                ],
                body: Data(body.utf8)))
        #expect(reply.status == 200, "\(action): \(String(decoding: reply.body, as: UTF8.self))")
    }

    /// Collects the agent's events until one matches, or fails after `timeout`.
    static func waitFor(
        _ agent: SyncAgent, timeout: Duration = .seconds(20), _ match: @escaping @Sendable (AgentEvent) -> Bool
    ) async throws -> [AgentEvent] {
        try await withThrowingTaskGroup(of: [AgentEvent]?.self) { group in
            group.addTask {
                var seen: [AgentEvent] = []
                for await event in agent.events {
                    seen.append(event)
                    if match(event) { return seen }
                }
                return seen
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            guard let events = first else { throw TimedOut() }
            return events
        }
    }

    struct TimedOut: Error {}

    /// The demo platform and user u-1's agent after its first sync, with the shell's store and data folder.
    static func afterFirstSync(
        _ body: @escaping @Sendable (TestServer, SyncAgent, ShellStore, URL) async throws -> Void
    ) async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = Self.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            let agent = try Self.agent(server, user: "u-1", data: data)
            #expect(await agent.sync())
            try await body(server, agent, try ShellStore(directory: data), data)
        }
    }

    @Test("published mini-programs are installed, verified and launchable; the acknowledgement reaches the server")
    func installs() async throws {
        try await Self.afterFirstSync { server, agent, store, _ in
            let installed = Set(try store.installed().map(\.appId))
            #expect(installed.contains("com.carins.quote"))
            #expect(installed.contains("com.eastsec.open-account"))
            await agent.acknowledge()
            // Enrolled on the first sync; the acknowledgement is the device's, signed with its key.
            let deviceId = try #require(await agent.deviceId)
            let acks = try await server.store.acknowledgements(hostId: "mbank")
            #expect(acks.count == 1)
            #expect(acks[deviceId]?.ack.installed.count == installed.count)
            #expect(try await server.store.device(id: deviceId)?.publicKey == store.deviceKey().verificationKey)

            let runner = Task { await agent.run() }
            defer { runner.cancel() }
            _ = try await Self.waitFor(agent) { if case .connected = $0 { true } else { false } }
            let ticket = try await agent.launch("com.carins.quote").get()
            #expect(ticket.entry.version == SemanticVersion(2, 1, 0))
            #expect(MiniKit.MiniProgram.load(package: ticket.package).program != nil)
            #expect(await agent.launch("com.nobody.app") == .failure(.notListed))
        }
    }

    @Test("after the download cache is cleared, the next sync installs again even though the catalog is unchanged")
    func reinstallsAfterClearing() async throws {
        try await Self.afterFirstSync { _, agent, store, data in
            let before = Set(try store.installed().map(\.appId))
            let cache = try PackageCache(dataDirectory: data)
            for sha in try store.forgetInstalled() { cache.remove(sha) }
            #expect(try store.installed().isEmpty)
            #expect(await agent.sync(), "a 304: the catalog did not change")
            #expect(Set(try store.installed().map(\.appId)) == before)
            for package in try store.installed() { #expect(cache.contains(package.sha256)) }
        }
    }

    @Test("gray: exactly the users the engine picks get the gray app, and widening and full release follow")
    func gray() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let app = "com.harbourfunds.subscribe"
            let users = (0..<24).map { "user-\($0)" }
            func check() async throws {
                let plan = try #require(
                    try await server.store.listings(appId: app).first { $0.hostId == "mbank" }?.plan)
                let resolver = CatalogResolver(plans: [plan], segments: try await server.store.segments())
                for user in users {
                    let data = Self.folder()
                    defer { try? FileManager.default.removeItem(at: data) }
                    let agent = try Self.agent(server, user: user, data: data)
                    #expect(await agent.sync())
                    let expected =
                        resolver.resolve(app, context: GrayContext(userId: user, appName: "mbank"))?.version != nil
                    let installed = try ShellStore(directory: data).installed().contains { $0.appId == app }
                    #expect(installed == expected, "\(user)")
                }
            }
            try await check()
            try await Self.act(server, app, "widen", #"{"host": "mbank", "percent": 50}"#)
            try await check()
            try await Self.act(server, app, "full", #"{"host": "mbank"}"#)
            try await check()
        }
    }

    @Test("a delisting while the agent runs: closed, code and data gone from disk, a notice, and the server hears it")
    func recallWhileRunning() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = Self.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            let closed = Recorder()
            let agent = try Self.agent(server, user: "u-1", data: data) { app, reason in
                await closed.add("\(app): \(reason)")
            }
            let runner = Task { await agent.run() }
            defer { runner.cancel() }
            _ = try await Self.waitFor(agent) { if case .connected = $0 { true } else { false } }
            let store = try ShellStore(directory: data)
            let package = try #require(try store.installed().first { $0.appId == "com.carins.quote" })
            try store.setStorageValue("\"draft\"", user: "u-1", app: "com.carins.quote", key: "quote")
            try store.setStorageValue("\"other\"", user: "u-2", app: "com.carins.quote", key: "quote")
            try store.setConsent(user: "u-1", app: "com.carins.quote", scope: "payment", granted: true)
            let packages = try PackageCache(dataDirectory: data)
            #expect(packages.contains(package.sha256))

            try await Self.act(
                server, "com.carins.quote", "delist", #"{"host": "mbank", "reason": "Partner licence suspended"}"#)
            _ = try await Self.waitFor(agent) {
                if case .acknowledged(_, _, let purged) = $0 { purged.contains("com.carins.quote") } else { false }
            }
            #expect(await closed.items == ["com.carins.quote: Partner licence suspended"])
            #expect(!packages.contains(package.sha256), "the code is gone from disk")
            #expect(try store.dataRows(app: "com.carins.quote") == 0, "every user's storage and consents are gone")
            #expect(try store.notices().first?.reason == "Partner licence suspended")
            #expect(await agent.launch("com.carins.quote") == .failure(.delisted(reason: "Partner licence suspended")))
            let ack = try #require(try await server.store.acknowledgements(hostId: "mbank").values.first?.ack)
            #expect(ack.purged == ["com.carins.quote"])
            #expect(!ack.installed.contains { $0.appId == "com.carins.quote" })
        }
    }

    @Test("a delisting while the agent is stopped applies at restart before any launch")
    func recallAtRestart() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = Self.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            let first = try Self.agent(server, user: "u-1", data: data)
            #expect(await first.sync())
            let sha = try #require(try ShellStore(directory: data).installed().first { $0.appId == "com.carins.quote" })
                .sha256
            try await Self.act(server, "com.carins.quote", "delist", #"{"host": "mbank", "reason": "Fraud found"}"#)

            let restarted = try Self.agent(server, user: "u-1", data: data)
            #expect(
                await restarted.launch("com.carins.quote") == .failure(.notSynced), "no launch before the first sync")
            let runner = Task { await restarted.run() }
            defer { runner.cancel() }
            let events = try await Self.waitFor(restarted) { if case .synced = $0 { true } else { false } }
            #expect(
                events.contains(.purged(appId: "com.carins.quote", reason: "Fraud found", sequence: 6))
                    || events.contains {
                        if case .purged(let app, _, _) = $0 { app == "com.carins.quote" } else { false }
                    })
            let launched = await restarted.launch("com.carins.quote")
            #expect(launched == .failure(.delisted(reason: "Fraud found")), "\(launched) after \(events)")
            #expect(!(try PackageCache(dataDirectory: data).contains(sha)))
        }
    }

    @Test(
        "refused and never applied: a replayed older catalog, another user's catalog, a tampered package, a wrong key")
    func refusals() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            // Capture an old catalog of u-1 and a current one of u-2.
            let old = try await Self.transport.send(
                try await Self.catalogRequest(server, host: "mbank", user: "u-1"))
            try await Self.act(server, "com.eastsec.open-account", "delist", #"{"host": "mbank", "reason": "Audit"}"#)
            let other = try await Self.transport.send(
                try await Self.catalogRequest(server, host: "mbank", user: "u-2"))

            let data = Self.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            #expect(await (try Self.agent(server, user: "u-1", data: data)).sync())
            let replay = Interceptor(base: Self.transport) { request, reply in
                request.url.contains("/catalog") ? HTTPReply(status: 200, headers: [:], body: old.body) : reply
            }
            let replaying = try Self.agent(server, user: "u-1", data: data, transport: replay)
            let replayEvents = Recorder()
            let collector = Task { for await event in replaying.events { await replayEvents.add(event.name) } }
            #expect(await replaying.sync() == false)
            let store = try ShellStore(directory: data)
            #expect(try store.tombstone(host: "mbank", app: "com.eastsec.open-account") != nil, "still delisted")
            #expect(try store.logLines().first?.detail.contains("catalog [rollback]") == true)

            let mixed = Interceptor(base: Self.transport) { request, reply in
                request.url.contains("/catalog") ? HTTPReply(status: 200, headers: [:], body: other.body) : reply
            }
            #expect(await (try Self.agent(server, user: "u-1", data: data, transport: mixed)).sync() == false)
            #expect(try store.logLines().first?.detail.contains("[user-mismatch]") == true)

            // A catalog signed for another host app (the car head unit) served to a mobile-banking shell.
            let carunit = try await Self.transport.send(
                try await Self.catalogRequest(server, host: "carunit", user: "u-1"))
            let otherHost = Interceptor(base: Self.transport) { request, reply in
                request.url.contains("/catalog") ? HTTPReply(status: 200, headers: [:], body: carunit.body) : reply
            }
            #expect(await (try Self.agent(server, user: "u-1", data: data, transport: otherHost)).sync() == false)
            #expect(try store.logLines().first?.detail.contains("[host-mismatch]") == true)

            let freshData = Self.folder()
            defer { try? FileManager.default.removeItem(at: freshData) }
            let tamper = Interceptor(base: Self.transport) { request, reply in
                guard request.url.contains("/packages/") else { return reply }
                var body = reply.body
                body[body.count / 2] ^= 0xFF
                return HTTPReply(status: reply.status, headers: reply.headers, body: body)
            }
            let tampered = try Self.agent(server, user: "u-1", data: freshData, transport: tamper)
            #expect(await tampered.sync(), "the catalog itself is fine")
            #expect(try ShellStore(directory: freshData).installed().isEmpty, "no tampered package is installed")
            #expect(try ShellStore(directory: freshData).logLines().contains { $0.detail.contains("[hash-mismatch]") })
            let runner = Task { await tampered.run() }
            _ = try await Self.waitFor(tampered) { if case .connected = $0 { true } else { false } }
            #expect(await tampered.launch("com.carins.quote") == .failure(.notInstalled))
            runner.cancel()

            let wrongKeyData = Self.folder()
            defer { try? FileManager.default.removeItem(at: wrongKeyData) }
            let stranger = SigningKey.generate().verificationKey
            let wrongKey = try Self.agent(server, user: "u-1", data: wrongKeyData, keys: [stranger])
            #expect(await wrongKey.sync() == false)
            #expect(try ShellStore(directory: wrongKeyData).logLines().first?.detail.contains("[unknown-key]") == true)
            #expect(try ShellStore(directory: wrongKeyData).catalog(host: "mbank", user: "u-1") == nil)
            collector.cancel()
            _ = await replayEvents.items
        }
    }

    @Test("switching users on one shell: each user gets their own catalog; packages stay for both")
    func userSwitch() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = Self.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            let app = "com.harbourfunds.subscribe"
            let plan = try #require(try await server.store.listings(appId: app).first { $0.hostId == "mbank" }?.plan)
            let resolver = CatalogResolver(plans: [plan])
            let users = (0..<50).map { "switch-\($0)" }
            let inGray = try #require(
                users.first { resolver.resolve(app, context: GrayContext(userId: $0))?.version != nil })
            let outside = try #require(
                users.first { resolver.resolve(app, context: GrayContext(userId: $0))?.version == nil })
            let first = try Self.agent(server, user: inGray, data: data)
            #expect(await first.sync())
            let second = try Self.agent(server, user: outside, data: data)
            #expect(await second.sync())
            let store = try ShellStore(directory: data)
            #expect(
                try store.catalog(host: "mbank", user: inGray)?.snapshot.entries.contains { $0.appId == app } == true)
            #expect(
                try store.catalog(host: "mbank", user: outside)?.snapshot.entries.contains { $0.appId == app } == false)
            #expect(try store.installed().contains { $0.appId == app }, "kept: the first user's catalog still lists it")
            let runner = Task { await second.run() }
            defer { runner.cancel() }
            _ = try await Self.waitFor(second) { if case .connected = $0 { true } else { false } }
            #expect(await second.launch(app) == .failure(.notListed), "not in this user's catalog")
        }
    }

    @Test("an expired catalog with the server unreachable: launching is refused until a fresh catalog verifies")
    func expiry() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = Self.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            let clock = ManualClock(Date())
            let online = try Self.agent(server, user: "u-1", data: data, clock: clock)
            #expect(await online.sync())
            let catalog = try #require(try ShellStore(directory: data).catalog(host: "mbank", user: "u-1"))
            #expect(catalog.snapshot.expiryGraceSeconds == 600, "the host's grace, signed")

            let offline = Interceptor(base: Self.transport) { _, _ in nil }
            let agent = try Self.agent(server, user: "u-1", data: data, transport: offline, clock: clock)
            let runner = Task { await agent.run() }
            defer { runner.cancel() }
            _ = try await Self.waitFor(agent) { if case .disconnected = $0 { true } else { false } }
            #expect(
                try await agent.launch("com.carins.quote").get().entry.appId == "com.carins.quote", "within the window")
            clock.set(catalog.snapshot.expiresAt.addingTimeInterval(599))
            #expect((try? await agent.launch("com.carins.quote").get()) != nil, "within the grace")
            clock.set(catalog.snapshot.expiresAt.addingTimeInterval(601))
            _ = try await Self.waitFor(agent) { if case .expired = $0 { true } else { false } }
            #expect(await agent.launch("com.carins.quote") == .failure(.expired(since: catalog.snapshot.expiresAt)))
        }
    }

    @Test("offline, the expiry is reported when the launch window closes, not at the next reconnection attempt")
    func expiryOnTime() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = Self.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            #expect(try await Self.agent(server, user: "u-1", data: data).sync())
            let catalog = try #require(try ShellStore(directory: data).catalog(host: "mbank", user: "u-1"))
            // A clock a second before the window closes, which moves only when the test moves it.
            let clock = ManualClock(catalog.launchableUntil.addingTimeInterval(-1))
            let offline = Interceptor(base: Self.transport) { _, _ in nil }
            let agent = try Self.agent(
                server, user: "u-1", data: data, transport: offline, clock: clock,
                reconnectDelay: (.seconds(120), .seconds(120)))
            let runner = Task { await agent.run() }
            defer { runner.cancel() }
            // The agent waits for its next attempt, at least a minute away on its clock.
            while clock.sleeperCount == 0 { await Task.yield() }
            // Two seconds later the window has closed: the report must not wait for the next attempt.
            clock.advance(by: 2)
            let seen = try await Self.waitFor(agent, timeout: .seconds(20)) {
                if case .expired = $0 { true } else { false }
            }
            #expect(seen.contains { if case .expired = $0 { true } else { false } })
            #expect(clock.now() < catalog.launchableUntil.addingTimeInterval(60), "no reconnection attempt was needed")
        }
    }
}

/// Passes requests to a real transport and lets a test rewrite the answers (nil: as if unreachable).
struct Interceptor: CatalogTransport {
    let base: any CatalogTransport
    let rewrite: @Sendable (HTTPRequest, HTTPReply) -> HTTPReply?

    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPReply {
        let reply = try await base.send(request)
        guard let rewritten = rewrite(request, reply) else { throw .unreachable("connection refused (test)") }
        return rewritten
    }

    func stream(_ request: HTTPRequest) -> AsyncThrowingStream<Data, any Error> {
        if rewrite(request, HTTPReply(status: 200)) == nil {
            return AsyncThrowingStream { $0.finish(throwing: TransportError.unreachable("connection refused (test)")) }
        }
        return base.stream(request)
    }
}

/// Collects values from concurrent code.
actor Recorder {
    var items: [String] = []
    func add(_ item: String) { items.append(item) }
}

/// Review findings: replays below the catalog's own event sequence, and key changes after pinning.
struct SyncAgentReplayTests {
    /// Serves the real catalog and packages, and a fixed event stream.
    struct FixedEvents: CatalogTransport {
        let base: any CatalogTransport
        let frames: Data
        func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPReply { try await base.send(request) }
        func stream(_ request: HTTPRequest) -> AsyncThrowingStream<Data, any Error> {
            let frames = frames
            return AsyncThrowingStream { continuation in
                continuation.yield(frames)
                continuation.finish()
            }
        }
    }

    @Test("a validly signed delisting older than the applied catalog is a replay: nothing is purged")
    func oldEventAfterRelist() async throws {
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            let data = SyncAgentTests.folder()
            defer { try? FileManager.default.removeItem(at: data) }
            // Delisted at some sequence, relisted after: the catalog the shell gets is past both.
            try await SyncAgentTests.act(server, "com.carins.quote", "delist", #"{"host": "mbank", "reason": "Oops"}"#)
            let delisting = try await server.store.hostState("mbank").eventSequence
            try await SyncAgentTests.act(server, "com.carins.quote", "relist", #"{"host": "mbank"}"#)
            let old = CatalogEvent(
                hostId: "mbank", sequence: delisting, catalogVersion: delisting, issuedAt: Date(),
                expiresAt: Date().addingTimeInterval(3600), kind: .delisted, appId: "com.carins.quote", version: nil,
                reason: "Oops")
            let json = String(
                decoding: try WireFormat.encoder().encode(
                    try SignedEnvelope.sign(old, with: [server.keyring.signingKey])),
                as: UTF8.self)
            let replay = FixedEvents(
                base: SyncAgentTests.transport,
                frames: Data("id: \(delisting)\nevent: catalog\ndata: \(json)\n\n".utf8))
            let agent = try SyncAgentTests.agent(server, user: "u-1", data: data, transport: replay)
            let runner = Task { await agent.run() }
            defer { runner.cancel() }
            _ = try await SyncAgentTests.waitFor(agent) { if case .disconnected = $0 { true } else { false } }
            let store = try ShellStore(directory: data)
            #expect(try store.installed().contains { $0.appId == "com.carins.quote" }, "still installed")
            #expect(try store.tombstone(host: "mbank", app: "com.carins.quote") == nil)
            #expect(try await agent.launch("com.carins.quote").get().entry.appId == "com.carins.quote")
        }
    }

    @Test("after the first pin, another server key given is not trusted: only a verified rotation leads to it")
    func keyChange() throws {
        let data = SyncAgentTests.folder()
        defer { try? FileManager.default.removeItem(at: data) }
        let first = SigningKey.generate().verificationKey
        func agent(_ keys: [VerificationKey]) throws -> SyncAgent {
            try SyncAgent(
                configuration: AgentConfiguration(
                    server: "http://127.0.0.1:1", hostId: "h", hostKey: "k", userId: "u",
                    userAssertion: .signer(.generate()), trustedKeys: keys),
                transport: Unreachable(), store: try ShellStore(directory: data))
        }
        _ = try agent([first])
        _ = try agent([])
        _ = try agent([first])
        // Another key given later starts the shell but is not trusted: only a rotation can lead to it.
        _ = try agent([SigningKey.generate().verificationKey])
        #expect(try ShellStore(directory: data).pinnedKeys() == [first])
    }
}
