import Catalog
import CatalogServer
import CatalogTestSupport
import Foundation
import MiniKit
import MiniSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Packages by hash, acknowledgements and the event stream (the stream over loopback).
struct ShellRoutesTests {
    static func listedApp(_ base: URL, _ store: SQLiteCatalogStore) async throws -> (ReviewRoutesTests.Setup, String) {
        let setup = try await ReleaseRoutesTests.approved(base, store)
        _ = try await ReviewRoutesTests.post(setup, "approve", setup.compliance)
        _ = try await ReviewRoutesTests.post(setup, "approve", setup.risk)
        let created = try await HostRoutesTests.call(
            "POST", base.appendingPathComponent("v1/hosts"), token: setup.ops,
            body: #"{"id": "mbank", "name": "Mobile banking"}"#)
        let key = try created.json.require("hostKey").string()
        _ = try await ReleaseRoutesTests.act(setup, "release", #"{"host": "mbank", "version": "2.1.0"}"#)
        return (setup, key)
    }

    static func request(_ method: String, _ url: URL, key: String?, body: Data? = nil) async throws -> (
        Int, Data, [String: String]
    ) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let key { request.setValue(key, forHTTPHeaderField: "X-Host-Key") }
        request.httpBody = body
        let reply = try await RouteTransport.send(request)
        return (reply.status, reply.data, reply.headers)
    }

    @Test("a package downloads only for those who may see it: the host that lists it, its partner, staff")
    func packageVisibility() async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await ReviewRoutesTests.setUp(base, store)
            let created = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts"), token: setup.ops,
                body: #"{"id": "mbank", "name": "Mobile banking"}"#)
            let hostKey = try created.json.require("hostKey").string()
            let otherPartner = try await HostRoutesTests.account(store, "dev-harbour", "developer:harbour")
            let url = base.appendingPathComponent(
                "v1/packages/\(PackageStore.digest(try AppRoutesTests.package("car-insurance")))")
            func status(token: String? = nil, key: String? = nil) async throws -> Int {
                var request = URLRequest(url: url)
                if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
                if let key { request.setValue(key, forHTTPHeaderField: "X-Host-Key") }
                return try await RouteTransport.send(request).status
            }
            // A draft: its partner and the staff see it; no shell and no other partner does.
            #expect(try await status(token: setup.developer) == 200)
            #expect(try await status(token: setup.compliance) == 200)
            #expect(try await status(token: setup.ops) == 200)
            #expect(try await status(token: otherPartner) == 404)
            #expect(try await status(key: hostKey) == 404)
            // Released on the host: its shells may download it.
            _ = try await ReviewRoutesTests.post(setup, "submit", setup.developer)
            _ = try await ReviewRoutesTests.post(setup, "approve", setup.compliance)
            _ = try await ReviewRoutesTests.post(setup, "approve", setup.risk)
            #expect(try await status(key: hostKey) == 404, "approved is not listed")
            #expect(
                try await ReleaseRoutesTests.act(setup, "release", #"{"host": "mbank", "version": "2.1.0"}"#).status
                    == 200)
            #expect(try await status(key: hostKey) == 200)
            #expect(try await status(token: otherPartner) == 404)
        }
    }

    @Test("packages download by hash with immutable caching; acknowledgements are kept per shell")
    func packagesAndAcks() async throws {
        try await HealthRouteTests.withServer { base, store in
            let (_, key) = try await Self.listedApp(base, store)
            let package = try AppRoutesTests.package("car-insurance")
            let digest = PackageStore.digest(package)
            let (status, data, response) = try await Self.request(
                "GET", base.appendingPathComponent("v1/packages/\(digest)"), key: key)
            #expect(status == 200)
            #expect(data == package)
            #expect(response["cache-control"]?.contains("immutable") == true)
            #expect(
                try await Self.request("GET", base.appendingPathComponent("v1/packages/\(digest)"), key: nil).0 == 401)
            #expect(
                try await Self.request(
                    "GET", base.appendingPathComponent("v1/packages/\(String(repeating: "0", count: 64))"), key: key
                ).0 == 404)

            let ack = Acknowledgement(
                hostId: "mbank", shellId: "shell-1", userId: "u1", catalogVersion: 1, eventSequence: 1,
                installed: [.init(appId: "com.carins.quote", version: SemanticVersion(2, 1, 0), sha256: digest)],
                purged: [], sentAt: Date())
            let body = try WireFormat.encoder().encode(ack)
            #expect(
                try await Self.request("POST", base.appendingPathComponent("v1/hosts/mbank/acks"), key: key, body: body)
                    .0 == 204)
            #expect(
                try await store.acknowledgements(hostId: "mbank", since: .distantPast).first?.ack.shellId == "shell-1")
            #expect(
                try await Self.request(
                    "POST", base.appendingPathComponent("v1/hosts/mbank/acks"), key: key, body: Data("{".utf8)
                ).0 == 400)
            var other = ack
            other.hostId = "car"
            #expect(
                try await Self.request(
                    "POST", base.appendingPathComponent("v1/hosts/mbank/acks"), key: key,
                    body: try WireFormat.encoder().encode(other)
                ).0 == 400)
        }
    }

    // Over loopback: the stream is read as a client reads it, a line at a time while the server keeps it open.
    @Test("the event stream replays from a sequence number and pushes a delisting, signed")
    func events() async throws {
        try await HealthRouteTests.withLiveServer { base, store in
            let (setup, key) = try await Self.listedApp(base, store)
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = [
                "-sN", "--max-time", "4", "-H", "X-Host-Key: \(key)",
                base.appendingPathComponent("v1/hosts/mbank/events").absoluteString + "?after=0",
            ]
            let output = Pipe()
            curl.standardOutput = output
            try curl.run()
            try await Task.sleep(for: .seconds(1))
            #expect(
                try await ReleaseRoutesTests.act(
                    setup, "delist", #"{"host": "mbank", "reason": "Partner licence suspended"}"#
                ).status == 200)
            let text = try await offload {
                let bytes = output.fileHandleForReading.readDataToEndOfFile()
                curl.waitUntilExit()
                return String(decoding: bytes, as: UTF8.self)
            }
            let dataLines = text.split(separator: "\n").filter { $0.hasPrefix("data: ") }.map { $0.dropFirst(6) }
            #expect(dataLines.count == 2, "\(text)")
            #expect(text.contains("id: 1\n") && text.contains("id: 2\n"))
            let health = try await HealthRouteTests.get(base.appendingPathComponent("healthz"))
            let pinned = try VerificationKey(
                base64: try JSONCursor(try JSONValue.parse(Data(health.1.utf8))).require("publicKey").string())
            let envelope = try WireFormat.decoder().decode(
                SignedEnvelope.self, from: Data(try #require(dataLines.last).utf8))
            let event = try EnvelopeVerifier(
                policy: VerificationPolicy(trustedKeys: [pinned], hostId: "mbank", userId: "anyone")
            ).verify(envelope, as: CatalogEvent.self)
            #expect(event.kind == .delisted)
            #expect(event.reason == "Partner licence suspended")
            #expect(event.sequence == 2)
        }
    }
}

/// `GET /v1/apps/{id}/status`: which active shells confirmed a delisting.
struct StatusRoutesTests {
    @Test("a delisting counts the active shells that confirmed it and names the ones that have not")
    func delistingStatus() async throws {
        try await HealthRouteTests.withServer { base, store in
            let (setup, key) = try await ShellRoutesTests.listedApp(base, store)
            _ = try await ReleaseRoutesTests.act(
                setup, "delist", #"{"host": "mbank", "reason": "Partner licence suspended"}"#)
            func ack(_ shell: String, sequence: UInt64, purged: [String]) async throws {
                let ack = Acknowledgement(
                    hostId: "mbank", shellId: shell, userId: nil, catalogVersion: sequence, eventSequence: sequence,
                    installed: [], purged: purged, sentAt: Date())
                #expect(
                    try await ShellRoutesTests.request(
                        "POST", base.appendingPathComponent("v1/hosts/mbank/acks"), key: key,
                        body: try WireFormat.encoder().encode(ack)
                    ).0 == 204)
            }
            try await ack("shell-a", sequence: 2, purged: ["com.carins.quote"])
            try await ack("shell-b", sequence: 1, purged: [])
            let status = try await HostRoutesTests.call(
                "GET", base.appendingPathComponent("v1/apps/com.carins.quote/status"), token: setup.ops)
            #expect(status.status == 200)
            let delisting = try #require(try status.json.require("hosts").array().first?.require("delisting"))
            #expect(try delisting.require("activeShells").int() == 2)
            #expect(try delisting.require("confirmed").int() == 1)
            #expect(
                try delisting.require("pendingShells").array().map { try $0.require("shellId").string() } == ["shell-b"]
            )
            #expect(try delisting.require("reason").string() == "Partner licence suspended")
        }
    }
}
