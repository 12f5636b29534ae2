import Catalog
import CatalogServer
import CatalogTestSupport
import Foundation
import MiniKit
import MiniSupport
import ServerTestSupport
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
            body: TestUsers.hostBody("mbank", "Mobile banking"))
        let key = try created.json.require("hostKey").string()
        _ = try await ReleaseRoutesTests.act(setup, "release", #"{"host": "mbank", "version": "2.1.0"}"#)
        return (setup, key)
    }

    @Test("a package downloads only for those who may see it: the host that lists it, its partner, staff")
    func packageVisibility() async throws {
        try await HealthRouteTests.withServer { base, store in
            let setup = try await ReviewRoutesTests.setUp(base, store)
            let created = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts"), token: setup.ops,
                body: #"{"id": "mbank", "name": "Mobile banking"}"#)
            let device = try await TestDevice.enrolled(base, hostKey: try created.json.require("hostKey").string())
            let otherPartner = try await HostRoutesTests.account(store, "dev-harbour", "developer:harbour")
            let url = base.appendingPathComponent(
                "v1/packages/\(PackageStore.digest(try AppRoutesTests.package("car-insurance")))")
            func status(token: String? = nil) async throws -> Int {
                var request = URLRequest(url: url)
                if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
                return try await RouteTransport.send(request).status
            }
            // A draft: its partner and the staff see it; no shell and no other partner does.
            #expect(try await status(token: setup.developer) == 200)
            #expect(try await status(token: setup.compliance) == 200)
            #expect(try await status(token: setup.ops) == 200)
            #expect(try await status(token: otherPartner) == 404)
            #expect(try await status(token: device.token) == 404)
            // Released on the host: its shells may download it.
            _ = try await ReviewRoutesTests.post(setup, "submit", setup.developer)
            _ = try await ReviewRoutesTests.post(setup, "approve", setup.compliance)
            _ = try await ReviewRoutesTests.post(setup, "approve", setup.risk)
            #expect(try await status(token: device.token) == 404, "approved is not listed")
            #expect(
                try await ReleaseRoutesTests.act(setup, "release", #"{"host": "mbank", "version": "2.1.0"}"#).status
                    == 200)
            #expect(try await status(token: device.token) == 200)
            #expect(try await status(token: otherPartner) == 404)
        }
    }

    @Test("packages download by hash with immutable caching; a device's signed acknowledgement is kept")
    func packagesAndAcks() async throws {
        try await HealthRouteTests.withServer { base, store in
            let (_, key) = try await Self.listedApp(base, store)
            let device = try await TestDevice.enrolled(base, hostKey: key)
            let package = try AppRoutesTests.package("car-insurance")
            let digest = PackageStore.digest(package)
            let url = base.appendingPathComponent("v1/packages/\(digest)")
            let (status, data, response) = try await device.request("GET", url)
            #expect(status == 200)
            #expect(data == package)
            #expect(response["cache-control"]?.contains("immutable") == true)
            #expect(try await RouteTransport.send(URLRequest(url: url)).status == 401)
            #expect(
                try await device.request(
                    "GET", base.appendingPathComponent("v1/packages/\(String(repeating: "0", count: 64))")
                ).0 == 404)

            let installed = [
                Acknowledgement.InstalledPackage(
                    appId: "com.carins.quote", version: SemanticVersion(2, 1, 0), sha256: digest)
            ]
            #expect(try await device.acknowledge(base, device.acknowledgement(installed: installed)).0 == 204)
            #expect(try await store.acknowledgements(hostId: "mbank")[device.id]?.ack.installed == installed)
            #expect(try await device.acknowledge(base, Data("{".utf8)) == (400, "invalid-body"))
        }
    }

    @Test(
        "an acknowledgement counts only when its device signed it, for its host, fresh and in order",
        arguments: [
            ("signed by another key", 401, "invalid-signature"),
            ("unsigned", 401, "invalid-signature"),
            ("for another host", 400, "invalid-body"),
            ("naming another device", 400, "invalid-body"),
            ("an hour old", 409, "stale-signature"),
            ("from the future", 409, "stale-signature"),
            ("older than the last one accepted", 409, "stale-signature"),
            ("in a format this server does not read", 400, "invalid-body"),
        ])
    func forgedAcknowledgements(_ forgery: String, _ status: Int, _ code: String) async throws {
        try await HealthRouteTests.withServer { base, store in
            let (_, key) = try await Self.listedApp(base, store)
            let device = try await TestDevice.enrolled(base, hostKey: key)
            let now = Date()
            #expect(try await device.acknowledge(base, device.acknowledgement(sentAt: now)).0 == 204)
            let body: Data
            switch forgery {
            case "signed by another key": body = device.acknowledgement(signer: .generate())
            case "unsigned":
                var envelope = try SignedEnvelope(wire: device.acknowledgement())
                envelope.signatures = []
                body = envelope.wireJSON
            case "for another host": body = device.acknowledgement(host: "car")
            case "naming another device": body = device.acknowledgement(deviceId: "d-000000000000000000000000")
            case "an hour old": body = device.acknowledgement(sentAt: now.addingTimeInterval(-3_600))
            case "from the future": body = device.acknowledgement(sentAt: now.addingTimeInterval(3_600))
            case "older than the last one accepted": body = device.acknowledgement(sentAt: now.addingTimeInterval(-5))
            default:
                let payload = Data(
                    String(
                        decoding: Acknowledgement(
                            hostId: "mbank", deviceId: device.id, userId: nil, catalogVersion: 1, eventSequence: 9,
                            installed: [], purged: [], sentAt: now
                        ).wireJSON, as: UTF8.self
                    ).replacingOccurrences(of: #""format":1"#, with: #""format":99"#).utf8)
                body =
                    SignedEnvelope.sign(
                        payload: payload, payloadType: Acknowledgement.payloadType, with: [device.key]
                    ).wireJSON
            }
            #expect(try await device.acknowledge(base, body) == (status, code), "\(forgery)")
            #expect(try await store.acknowledgements(hostId: "mbank")[device.id]?.ack.eventSequence == 1, "unchanged")
        }
    }

    @Test("the host key only enrols: a host-key holder can neither read a catalog nor acknowledge for anyone")
    func hostKeyOnlyEnrols() async throws {
        try await HealthRouteTests.withServer { base, store in
            let (_, key) = try await Self.listedApp(base, store)
            for path in ["v1/hosts/mbank/catalog", "v1/hosts/mbank/events"] {
                var request = URLRequest(url: URL(string: base.absoluteString + "/" + path)!)
                request.setValue(key, forHTTPHeaderField: "X-Host-Key")
                request.setValue(TestUsers.assertion(user: "u-1"), forHTTPHeaderField: "Minicatalog-User-Assertion")
                #expect(try await RouteTransport.send(request).status == 401, "\(path)")
            }
            var post = URLRequest(url: base.appendingPathComponent("v1/hosts/mbank/acks"))
            post.httpMethod = "POST"
            post.setValue(key, forHTTPHeaderField: "X-Host-Key")
            post.httpBody = Data("{}".utf8)
            #expect(try await RouteTransport.send(post).status == 401)
            // A device of another host is refused on this one.
            _ = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/hosts"),
                token: try await HostRoutesTests.account(store, "ops-2", "ops"), body: #"{"id": "car", "name": "Car"}"#)
            #expect(try await store.acknowledgements(hostId: "mbank").isEmpty)
        }
    }

    @Test("enrolment is paced: past the burst a 429 says when to come back, and nothing is enrolled")
    func enrolmentRate() async throws {
        try await TestServer.run(
            seed: TestServer.demoSeed, configure: { $0.enrolment = EnrolmentRates(perAddress: (3, 0.001)) }
        ) { server in
            let key = try #require(server.hostKey("mbank"))
            for _ in 0..<3 {
                #expect(try await TestDevice.enrol(server.base, host: "mbank", hostKey: key).status == 201)
            }
            let refused = try await TestDevice.enrol(server.base, host: "mbank", hostKey: key)
            #expect(refused.status == 429)
            #expect(try refused.json.require("code").string() == "rate-limited")
            #expect(try await server.store.devices(hostId: "mbank").count == 3)
        }
    }

    @Test(
        "behind a trusted balancer, enrolment limits count per client address it names; anyone else's X-Real-IP is ignored"
    )
    func enrolmentBehindBalancer() async throws {
        try await TestServer.run(
            seed: TestServer.demoSeed,
            configure: {
                $0.enrolment = EnrolmentRates(perAddress: (2, 0.001))
                $0.trustedProxies = ["127.0.0.1"]
            }
        ) { server in
            let key = try #require(server.hostKey("mbank"))
            for _ in 0..<2 {
                #expect(
                    try await TestDevice.enrol(server.base, host: "mbank", hostKey: key, realAddress: "10.0.0.1").status
                        == 201)
            }
            #expect(
                try await TestDevice.enrol(server.base, host: "mbank", hostKey: key, realAddress: "10.0.0.1").status
                    == 429)
            #expect(
                try await TestDevice.enrol(server.base, host: "mbank", hostKey: key, realAddress: "2001:db8::7").status
                    == 201, "another client behind the same balancer")
            // Not an address: counted as the balancer's own.
            #expect(
                try await TestDevice.enrol(server.base, host: "mbank", hostKey: key, realAddress: "evil, 10.0.0.9")
                    .status == 201)
        }
        try await TestServer.run(
            seed: TestServer.demoSeed, configure: { $0.enrolment = EnrolmentRates(perAddress: (2, 0.001)) }
        ) { server in
            let key = try #require(server.hostKey("mbank"))
            for address in ["10.0.0.1", "10.0.0.2"] {
                #expect(
                    try await TestDevice.enrol(server.base, host: "mbank", hostKey: key, realAddress: address).status
                        == 201)
            }
            #expect(
                try await TestDevice.enrol(server.base, host: "mbank", hostKey: key, realAddress: "10.0.0.3").status
                    == 429, "an untrusted peer's X-Real-IP must not open a new bucket")
        }
    }

    @Test("enrolment: the host key and a proof of the device key; the same key gets a new token; revoked stays revoked")
    func enrolment() async throws {
        try await HealthRouteTests.withServer { base, store in
            let (setup, key) = try await Self.listedApp(base, store)
            #expect(try await TestDevice.enrol(base, host: "mbank", hostKey: nil).status == 401)
            #expect(try await TestDevice.enrol(base, host: "mbank", hostKey: "mhk_wrong").status == 401)
            let forged = try await TestDevice.enrol(base, host: "mbank", hostKey: key, signer: .generate())
            #expect(forged.status == 401)
            #expect(try forged.json.require("code").string() == "invalid-signature")
            let stale = try await TestDevice.enrol(
                base, host: "mbank", hostKey: key, at: Date().addingTimeInterval(-3_600))
            #expect(try stale.json.require("code").string() == "stale-signature")

            let first = try await TestDevice.enrolled(base, hostKey: key)
            #expect(try await first.catalog(base, user: "u-1").0 == 200)
            // The same key again (a shell that lost its token): the same device, a new token, the old one gone.
            let again = try #require(
                try await TestDevice.enrol(base, host: "mbank", hostKey: key, key: first.key).device)
            #expect(again.id == first.id)
            let (oldStatus, oldBody, _) = try await first.catalog(base, user: "u-1")
            #expect(oldStatus == 401)
            #expect(try JSONCursor(try JSONValue.parse(oldBody)).require("code").string() == "unknown-device")
            #expect(try await again.catalog(base, user: "u-1").0 == 200)

            // Operations list and revoke; a revoked device's requests and its key's enrolments are refused.
            let listed = try await HostRoutesTests.call(
                "GET", URL(string: base.absoluteString + "/v1/devices?host=mbank")!, token: setup.ops)
            #expect(try listed.json.require("devices").array().map { try $0.require("id").string() } == [first.id])
            #expect(
                try await HostRoutesTests.call(
                    "GET", base.appendingPathComponent("v1/devices"), token: setup.developer
                ).status == 403)
            let revoked = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/devices/\(first.id)/revoke"), token: setup.ops,
                body: #"{"reason": "reported stolen"}"#)
            #expect(revoked.status == 200)
            #expect(try revoked.json.require("revokeReason").string() == "reported stolen")
            let (refused, refusal, _) = try await again.catalog(base, user: "u-1")
            #expect(refused == 403)
            #expect(try JSONCursor(try JSONValue.parse(refusal)).require("code").string() == "device-revoked")
            let back = try await TestDevice.enrol(base, host: "mbank", hostKey: key, key: first.key)
            #expect(back.status == 403)
            #expect(
                try await HostRoutesTests.call(
                    "POST", base.appendingPathComponent("v1/devices/\(first.id)/revoke"), token: setup.ops,
                    body: #"{"reason": "reported stolen"}"#
                ).status == 409)
            // A new key is a new device.
            #expect(try await TestDevice.enrolled(base, hostKey: key).id != first.id)
        }
    }

    // Over loopback: the stream is read as a client reads it, a line at a time while the server keeps it open.
    @Test("the event stream replays from a sequence number and pushes a delisting, signed")
    func events() async throws {
        try await HealthRouteTests.withLiveServer { base, store in
            let (setup, key) = try await Self.listedApp(base, store)
            let device = try await TestDevice.enrolled(base, hostKey: key)
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = [
                "-sN", "--max-time", "4", "-H", "Authorization: Bearer \(device.token)",
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

/// `GET /v1/apps/{id}/status`: which active devices confirmed a delisting.
struct StatusRoutesTests {
    @Test(
        "a delisting counts the enrolled devices that confirmed it with a signed acknowledgement, and names the others")
    func delistingStatus() async throws {
        try await HealthRouteTests.withServer { base, store in
            let (setup, key) = try await ShellRoutesTests.listedApp(base, store)
            let confirming = try await TestDevice.enrolled(base, hostKey: key)
            let behind = try await TestDevice.enrolled(base, hostKey: key)
            let silent = try await TestDevice.enrolled(base, hostKey: key)
            let stolen = try await TestDevice.enrolled(base, hostKey: key)
            _ = try await ReleaseRoutesTests.act(
                setup, "delist", #"{"host": "mbank", "reason": "Partner licence suspended"}"#)
            #expect(
                try await confirming.acknowledge(
                    base, confirming.acknowledgement(sequence: 2, purged: ["com.carins.quote"])
                ).0 == 204)
            #expect(try await behind.acknowledge(base, behind.acknowledgement(sequence: 1)).0 == 204)
            #expect(try await stolen.acknowledge(base, stolen.acknowledgement(sequence: 2)).0 == 204)
            _ = try await HostRoutesTests.call(
                "POST", base.appendingPathComponent("v1/devices/\(stolen.id)/revoke"), token: setup.ops,
                body: #"{"reason": "reported stolen"}"#)
            let status = try await HostRoutesTests.call(
                "GET", base.appendingPathComponent("v1/apps/com.carins.quote/status"), token: setup.ops)
            #expect(status.status == 200)
            let delisting = try #require(try status.json.require("hosts").array().first?.require("delisting"))
            #expect(try delisting.require("activeShells").int() == 3, "the revoked device does not count")
            #expect(try delisting.require("confirmed").int() == 1)
            #expect(
                try delisting.require("confirmedShells").array().map { try $0.require("deviceId").string() }
                    == [confirming.id])
            let pending = try delisting.require("pendingShells").array()
            #expect(Set(try pending.map { try $0.require("deviceId").string() }) == [behind.id, silent.id])
            #expect(try pending.allSatisfy { try !$0.require("lastSeen").string().isEmpty })
            #expect(try delisting.require("reason").string() == "Partner licence suspended")
        }
    }
}
