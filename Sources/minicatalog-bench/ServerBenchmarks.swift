import Catalog
import CatalogAPI
import CatalogServer
import Foundation
import ServerTestSupport
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// catalogd's numbers: revalidations (304) and full signed catalogs per second, measured with wrk on
/// loopback against an in-process server loaded with seeds/demo.json. Server and load share the 2 cores.
enum ServerBenchmarks {
    static func run(streams: Int) async throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/wrk") else {
            print("\ncatalogd: skipped (wrk is not installed; make bench installs it)")
            return
        }
        try await TestServer.run(seed: TestServer.demoSeed) { server in
            guard let ops = server.token("ops-wang") else {
                print("  catalogd: skipped (the demo seed made no ops-wang account)")
                return
            }
            // The load generator is one enrolled device (a token lookup per request, as for every shell).
            let device = try await server.enrolDevice(host: "mbank")
            let port = server.port
            let url = "http://127.0.0.1:\(port)/v1/hosts/mbank/catalog"
            // Each request carries the user's assertion, signed by the host's backend (the seeded user key).
            let assertion = server.userAssertion(
                host: "mbank", user: "u-1002", properties: ["region": "shanghai", "tier": "vip"], lifetime: 3600)
            var request = URLRequest(url: URL(string: url)!)
            request.setValue("Bearer \(device.token)", forHTTPHeaderField: "Authorization")
            request.setValue(assertion, forHTTPHeaderField: CatalogAPI.userAssertionHeader)
            let (body, response) = try await URLSession.shared.data(for: request)
            let etag = (response as? HTTPURLResponse)?.value(forHTTPHeaderField: "ETag") ?? ""
            print(
                "\ncatalogd on loopback (seeds/demo.json, mobile-banking host, \(body.count)-byte signed catalog), wrk -t2 -c32 -d5s"
            )
            let revalidations = try wrk(
                url,
                headers: [
                    "Authorization: Bearer \(device.token)", "If-None-Match: \(etag)",
                    "\(CatalogAPI.userAssertionHeader): \(assertion)",
                ])
            print(
                "  catalog revalidations (304): \(Measure.format(revalidations)) requests/s — goal ≥ 10.0k: \(revalidations >= 10_000 ? "met" : "NOT met")"
            )
            // A different user on nearly every request (65,536 assertions signed beforehand): each answer costs
            // an assertion's verification, the user's resolution, a signature and its encoding.
            let users = 65_536
            var lines = ["assertions = {"]
            lines.reserveCapacity(users + 8)
            for index in 0..<users {
                let value = server.userAssertion(
                    host: "mbank", user: "u-\(index)", properties: ["region": "shanghai"], lifetime: 3600)
                lines.append("\"\(value)\",")
            }
            lines.append("}")
            lines.append(
                """
                request = function()
                  wrk.headers["\(CatalogAPI.userAssertionHeader)"] = assertions[math.random(1, #assertions)]
                  return wrk.format("GET", "/v1/hosts/mbank/catalog")
                end
                """)
            let script = server.directory.appendingPathComponent("users.lua")
            try Data(lines.joined(separator: "\n").utf8).write(to: script)
            let full = try wrk(url, headers: ["Authorization: Bearer \(device.token)"], script: script.path)
            print(
                "  full signed catalogs (200, a new user nearly every request): \(Measure.format(full)) requests/s — goal ≥ 2.0k: \(full >= 2_000 ? "met" : "NOT met")"
            )
            try await fanOut(
                port: port, deviceToken: device.token, ops: ops, streams: streams, store: server.store, hub: server.hub)
        }
    }

    /// The time from a delist (or relist) request's response to its signed event reaching every one of
    /// `streams` open event streams of the host, over several rounds.
    static func fanOut(
        port: Int, deviceToken: String, ops: String, streams: Int, store: SQLiteCatalogStore, hub: EventHub
    )
        async throws
    {
        let start = try await store.hostState("mbank").eventSequence
        let swarm = try EventStreamSwarm(
            port: port, path: "/v1/hosts/mbank/events?after=\(start)",
            headers: ["Authorization: Bearer \(deviceToken)"],
            count: streams)
        let connected = ContinuousClock.now
        while await hub.openStreams("mbank") < streams {
            guard ContinuousClock.now - connected < .seconds(60) else {
                print("  fan-out: only \(await hub.openStreams("mbank")) of \(streams) streams opened")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        var fromResponse: [Double] = []
        var fromRequest: [Double] = []
        var missed = 0
        let rounds = 6
        for round in 0..<rounds {
            let action = round % 2 == 0 ? "delist" : "relist"
            let marker = "id: \(start + UInt64(round) + 1)\n"
            let results = BlockingResults()
            let done = DispatchSemaphore(value: 0)
            Thread {
                let seen = swarm.wait(for: marker, timeout: .seconds(20))
                results.value.withLock { $0 = seen }
                done.signal()
            }.start()
            var request = URLRequest(
                url: URL(string: "http://127.0.0.1:\(port)/v1/apps/com.harbourfunds.subscribe/\(action)")!)
            request.httpMethod = "POST"
            request.setValue("Bearer \(ops)", forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(#"{"host": "mbank", "reason": "fan-out benchmark"}"#.utf8)
            let sent = DispatchTime.now().uptimeNanoseconds
            let (_, response) = try await URLSession.shared.data(for: request)
            let answered = DispatchTime.now().uptimeNanoseconds
            guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                print("  fan-out: \(action) failed with \((response as? HTTPURLResponse)?.statusCode ?? 0)")
                return
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().async {
                    done.wait()
                    continuation.resume()
                }
            }
            for seen in results.value.withLock({ $0 }) {
                guard let seen else {
                    missed += 1
                    continue
                }
                fromResponse.append(Double(seen > answered ? seen - answered : 0) / 1e6)
                fromRequest.append(Double(seen - min(seen, sent)) / 1e6)
            }
        }
        fromResponse.sort()
        fromRequest.sort()
        let p99 = Measure.percentile(fromResponse, 0.99)
        print(
            "  delisting fan-out to \(streams) open event streams (\(rounds) rounds of delist/relist, \(fromResponse.count) deliveries\(missed > 0 ? ", \(missed) MISSED" : "")):"
        )
        print(
            String(
                format: "    from the response: p50 %.1f ms, p99 %.1f ms, max %.1f ms — goal p99 ≤ 50 ms: %@",
                Measure.percentile(fromResponse, 0.5), p99, fromResponse.last ?? .nan,
                p99 <= 50 && missed == 0 ? "met" : "NOT met"))
        print(
            String(
                format:
                    "    from the request:  p50 %.1f ms, p99 %.1f ms, max %.1f ms (events go out before the answer)",
                Measure.percentile(fromRequest, 0.5), Measure.percentile(fromRequest, 0.99), fromRequest.last ?? .nan))
    }

    /// Runs wrk and returns its requests per second.
    static func wrk(_ url: String, headers: [String], script: String? = nil) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments =
            ["-t2", "-c32", "-d5s"] + headers.flatMap { ["-H", $0] } + (script.map { ["-s", $0] } ?? []) + [url]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = text.split(separator: "\n").first { $0.hasPrefix("Requests/sec:") } ?? ""
        let non2xx = text.split(separator: "\n").first { $0.contains("Non-2xx") }
        if let non2xx, !headers.contains(where: { $0.hasPrefix("If-None-Match") }) {
            print("  (wrk: \(non2xx.trimmingCharacters(in: .whitespaces)))")
        }
        return Double(line.split(separator: " ").last ?? "0") ?? 0
    }
}

/// Carries the swarm's results from its reading thread.
final class BlockingResults: Sendable {
    let value = Mutex<[UInt64?]>([])
}
