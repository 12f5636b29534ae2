import Catalog
import CatalogAPI
import Foundation
import MiniSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The fleet benchmark (`minicatalog-bench fleet`): everything a separate process on this machine — catalogd
/// replicas (the release build beside this program), PostgreSQL and nginx started by `scripts/cluster.sh`, and
/// swarm processes holding at most 15,000 raw event streams each. Measures a delisting from its request to the
/// signed event read on every stream, through the balancer at each stream count, then the same on one
/// SQLite replica, then catalog revalidations (304) of catalogd against nginx serving the same bytes.
enum FleetBenchmark {
    static let app = "com.harbourfunds.subscribe"
    static let rounds = 4

    static func run(counts: [Int], sqliteCounts: [Int]) throws {
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for (what, path) in [
            ("catalogd (release)", binaries.appendingPathComponent("catalogd").path), ("nginx", "/usr/sbin/nginx"),
            ("wrk", "/usr/bin/wrk"), ("scripts/cluster.sh", "scripts/cluster.sh"),
        ] where !FileManager.default.isExecutableFile(atPath: path) {
            print("\nfleet: skipped (\(what) is missing; run it from the repository with make bench-fleet)")
            return
        }
        print(
            "\nfleet: delisting fan-out through nginx to 3 catalogd replicas on PostgreSQL, every part its own process")
        print(
            "  (swarm processes of at most \(SwarmProcess.maximumStreams) streams; \(rounds) rounds of delist/relist)")
        let cluster = try FleetPlatform.cluster(binaries: binaries, replicas: 3, largest: counts.max() ?? 0)
        defer { cluster.stop() }
        let memoryBefore = cluster.residentBytes()
        for count in counts {
            let memory = try fanOut(cluster, streams: count)
            if count == counts.max(), memory.replicas > 0 {
                let perStream = { (after: Int, before: Int) in Double(after - before) / Double(count) / 1024 }
                print(
                    String(
                        format:
                            "    memory with %d streams open: catalogd replicas %.1f KiB per stream, nginx %.1f KiB per stream (resident, all processes)",
                        count, perStream(memory.replicas, memoryBefore.replicas),
                        perStream(memory.balancer, memoryBefore.balancer)))
            }
        }
        cluster.stop()

        print("\nfleet: the same on one catalogd on SQLite (no balancer), up to its limit")
        let single = try FleetPlatform.single(binaries: binaries)
        defer { single.stop() }
        for count in sqliteCounts { _ = try fanOut(single, streams: count) }
        try revalidations(single)
    }

    /// Opens `streams` streams through the platform's front port, delists and relists, and prints the fan-out;
    /// returns the resident memory with the streams open.
    static func fanOut(_ platform: FleetPlatform, streams: Int) throws -> (replicas: Int, balancer: Int) {
        platform.waitUntilIdle()
        let start = try platform.change("relist", expectingSuccess: false)
        let processes = (streams + 12_499) / 12_500
        var children: [SwarmProcess.Child] = []
        defer { for child in children { child.quit() } }
        for index in 0..<processes {
            let share = streams / processes + (index < streams % processes ? 1 : 0)
            children.append(
                try SwarmProcess.Child(
                    port: platform.port, count: share, source: "127.0.0.\(10 + index)",
                    path: "/v1/hosts/mbank/events?after=\(start)", headers: ["Authorization: Bearer \(platform.device)"]
                ))
        }
        let opened = try children.reduce(0) { $0 + (try $1.ready()) }
        guard opened == streams else {
            print("  \(streams) streams: only \(opened) opened")
            for line in platform.diagnostics() { print("    \(line)") }
            return (0, 0)
        }
        let memory = platform.residentBytes()
        var fromRequest: [Double] = []
        var missed = 0
        var rates: [Double] = []
        let cpuBefore = platform.cpuSeconds()
        let swarmBefore = children.reduce(0) { $0 + Measure.cpuSeconds(of: $1.process.processIdentifier) }
        for round in 0..<rounds {
            for child in children { try child.startWaiting(for: "id: \(start + UInt64(round) + 1)\n") }
            let sent = DispatchTime.now().uptimeNanoseconds
            _ = try platform.change(round % 2 == 0 ? "delist" : "relist", expectingSuccess: true)
            var last: UInt64 = sent
            for child in children {
                for seen in try child.seen() {
                    guard let seen else {
                        missed += 1
                        continue
                    }
                    fromRequest.append(Double(seen - min(seen, sent)) / 1e6)
                    last = max(last, seen)
                }
            }
            rates.append(Double(streams) / (Double(last - sent) / 1e9))
        }
        fromRequest.sort()
        let cpuAfter = platform.cpuSeconds()
        let swarm = children.reduce(0) { $0 + Measure.cpuSeconds(of: $1.process.processIdentifier) } - swarmBefore
        let deliveries = Double(streams * rounds) / 1e6
        let p99 = Measure.percentile(fromRequest, 0.99)
        let goal: String
        switch streams {
        case ...10_000: goal = " — goal p99 ≤ 200 ms: \(p99 <= 200 && missed == 0 ? "met" : "NOT met")"
        case 50_000...: goal = " — goal p99 ≤ 1 s: \(p99 <= 1_000 && missed == 0 ? "met" : "NOT met")"
        default: goal = ""
        }
        print(
            String(
                format:
                    "  %6d streams (%d swarm processes): from the request p50 %.0f ms, p99 %.0f ms, max %.0f ms; %.0fk deliveries/s; %d missed%@",
                streams, processes, Measure.percentile(fromRequest, 0.5), p99, fromRequest.last ?? .nan,
                (rates.reduce(0, +) / Double(rates.count)) / 1_000, missed, goal))
        print(
            String(
                format: "         CPU per delivery: catalogd %.1f µs, %@swarm (reading) %.1f µs",
                (cpuAfter.replicas - cpuBefore.replicas) / deliveries,
                cpuAfter.balancer > 0
                    ? String(format: "nginx %.1f µs, ", (cpuAfter.balancer - cpuBefore.balancer) / deliveries) : "",
                swarm / deliveries))
        return memory
    }

    /// Catalog revalidations (304) from catalogd, and from nginx serving the same signed catalog bytes as a
    /// static file, with the same wrk flags.
    static func revalidations(_ platform: FleetPlatform) throws {
        let url = "http://127.0.0.1:\(platform.port)/v1/hosts/mbank/catalog"
        var request = URLRequest(url: URL(string: url)!)
        request.setValue("Bearer \(platform.device)", forHTTPHeaderField: "Authorization")
        request.setValue(platform.assertion, forHTTPHeaderField: CatalogAPI.userAssertionHeader)
        platform.waitUntilIdle()
        let (body, etag) = try FleetPlatform.fetch(request)
        let catalogd = try ServerBenchmarks.wrk(
            url,
            headers: [
                "Authorization: Bearer \(platform.device)", "If-None-Match: \(etag)",
                "\(CatalogAPI.userAssertionHeader): \(platform.assertion)",
            ])
        let nginx = try StaticNginx(serving: body)
        defer { nginx.stop() }
        let (_, staticETag) = try FleetPlatform.fetch(URLRequest(url: URL(string: nginx.url)!))
        let served = try ServerBenchmarks.wrk(
            nginx.url,
            headers: [
                "Authorization: Bearer \(platform.device)", "If-None-Match: \(staticETag)",
                "\(CatalogAPI.userAssertionHeader): \(platform.assertion)",
            ])
        let ratio = catalogd / max(served, 1)
        print("\ncatalog revalidations (304), wrk -t2 -c32 -d5s, the same \(body.count)-byte signed catalog:")
        print("  catalogd (one process, SQLite): \(Measure.format(catalogd)) requests/s")
        print("  nginx, a static file, \(StaticNginx.workers) workers: \(Measure.format(served)) requests/s")
        print(
            String(
                format: "  catalogd / nginx: %.2f× — goal ≥ 0.5×: %@", ratio, ratio >= 0.5 ? "met" : "NOT met"))
    }
}
