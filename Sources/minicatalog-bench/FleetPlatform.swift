import Catalog
import CatalogAPI
import Foundation
import MiniSupport
import ServerTestSupport
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A running platform of the fleet benchmark, its own processes: the replicas behind nginx on PostgreSQL
/// (`scripts/cluster.sh`), or one catalogd on SQLite. Seeded with seeds/demo.json; one device enrolled.
final class FleetPlatform {
    /// Where the streams and requests go: the balancer, or the single replica.
    let port: Int
    let ops: String
    let device: String
    /// A user assertion of mbank's backend (valid for an hour).
    let assertion: String
    private let replicaPIDs: [Int32]
    private let balancerPID: Int32?
    private let stopper: () -> Void
    private var stopped = false
    /// The logs to look at when streams do not open: the balancer's error log.
    private let logs: [URL]

    private init(
        port: Int, seedOutput: String, userKey: URL, replicaPIDs: [Int32], balancerPID: Int32?, logs: [URL],
        stop: @escaping () -> Void
    ) throws {
        self.port = port
        self.logs = logs
        self.replicaPIDs = replicaPIDs
        self.balancerPID = balancerPID
        stopper = stop
        func value(after prefix: String) -> String {
            SeedOutput.value(after: prefix, in: seedOutput)
        }
        ops = value(after: "account ops-wang")
        device = try Self.enrol(port: port, hostKey: value(after: "host key mbank:"))
        assertion = UserAssertion.headerValue(
            UserAssertion.issue(
                hostId: "mbank", userId: "u-1002", properties: ["region": "shanghai", "tier": "vip"], at: Date(),
                lifetime: 3600, key: try KeyFiles.readSigningKey(at: userKey)))
    }

    /// Three (or `replicas`) replicas on a throwaway PostgreSQL behind nginx, through `scripts/cluster.sh`.
    static func cluster(binaries: URL, replicas: Int, largest: Int) throws -> FleetPlatform {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UUID().uuidString)")
        // Two descriptors per stream in nginx, at most 18,000 connections per worker.
        let workers = max(2, (largest * 2) / 15_000 + 1)
        try shell(
            "scripts/cluster.sh up --dir '\(folder.path)' --replicas \(replicas) --bin '\(binaries.path)' --port 0 --nginx-workers \(workers) --catalogd-args '--max-connections 19000 --log-level warning' >/dev/null"
        )
        let environment = try String(contentsOf: folder.appendingPathComponent("cluster.env"), encoding: .utf8)
        let balancer =
            environment.split(separator: "\n").first { $0.hasPrefix("BALANCER=") }
            .flatMap { $0.split(separator: ":").last }.flatMap { Int($0) } ?? 0
        let pids = (1...replicas).compactMap { number in
            (try? String(contentsOf: folder.appendingPathComponent("replica-\(number)/pid"), encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        let nginx = (try? String(contentsOf: folder.appendingPathComponent("nginx/nginx.pid"), encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return try FleetPlatform(
            port: balancer,
            seedOutput: try String(contentsOf: folder.appendingPathComponent("replica-1/out.txt"), encoding: .utf8),
            userKey: folder.appendingPathComponent("replica-1/user-keys/mbank.key"), replicaPIDs: pids,
            balancerPID: nginx,
            logs: [folder.appendingPathComponent("nginx/error.log")]
                + (1...replicas).map { folder.appendingPathComponent("replica-\($0)/log.txt") },
            stop: { try? shell("scripts/cluster.sh down --dir '\(folder.path)' >/dev/null") })
    }

    /// One catalogd on SQLite, seeded, on a free port.
    static func single(binaries: URL) throws -> FleetPlatform {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = binaries.appendingPathComponent("catalogd")
        process.arguments = [
            "serve", "--data", folder.appendingPathComponent("data").path, "--listen", "127.0.0.1:0", "--seed",
            "seeds/demo.json", "--max-connections", "19000", "--log-level", "warning",
        ]
        let output = folder.appendingPathComponent("out.txt")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        for _ in 0..<600 where !text.contains("listening on") {
            Thread.sleep(forTimeInterval: 0.1)
            text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        }
        let port =
            text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix("http://") }
            .flatMap { $0.split(separator: ":").last }.flatMap { Int($0) } ?? 0
        return try FleetPlatform(
            port: port, seedOutput: text,
            userKey: folder.appendingPathComponent("data/user-keys/mbank.key"),
            replicaPIDs: [process.processIdentifier], balancerPID: nil, logs: [],
            stop: {
                process.terminate()
                process.waitUntilExit()
                try? FileManager.default.removeItem(at: folder)
            })
    }

    /// The most frequent kinds of message in the logs (what refused the streams that did not open).
    func diagnostics() -> [String] {
        var kinds: [String: Int] = [:]
        for log in logs {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") {
                // nginx: "… [error] PID#TID: *N message, client: …"; catalogd: the line itself.
                let message =
                    line.split(separator: "*", maxSplits: 1).last.map {
                        $0.drop { $0 != " " }.split(separator: ",").first.map(String.init) ?? ""
                    } ?? String(line)
                kinds["\(log.deletingLastPathComponent().lastPathComponent): \(message.prefix(120))", default: 0] += 1
            }
        }
        return kinds.sorted { $0.value > $1.value }.prefix(4).map { "\($0.value)× \($0.key)" }
    }

    func stop() {
        guard !stopped else { return }  // the cluster is stopped before the SQLite run, and again on the way out
        stopped = true
        stopper()
    }

    /// Delists or relists the benchmark's app on mbank through the front port; returns the host's event
    /// sequence after it (a refused relist of a listed app returns the sequence as it is).
    func change(_ action: String, expectingSuccess: Bool) throws -> UInt64 {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/apps/\(FleetBenchmark.app)/\(action)")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(ops)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"host": "mbank", "reason": "fleet benchmark"}"#.utf8)
        let (body, status) = try Self.send(request)
        if status == 200 {
            return UInt64(try JSONCursor(try JSONValue.parse(body)).require("eventSequence").int())
        }
        guard !expectingSuccess else { throw SwarmError("\(action) answered \(status)") }
        // Listed already: the current sequence is that of the latest change, read from the listings.
        return try currentSequence()
    }

    private func currentSequence() throws -> UInt64 {
        _ = try change("delist", expectingSuccess: true)
        return try change("relist", expectingSuccess: true)
    }

    /// Waits until the streams of the previous count are gone — a stream whose shell went away ends at its next
    /// heartbeat's failed write, within 10 s — and then (at most a minute) until the replicas use less than a
    /// twentieth of a core.
    func waitUntilIdle() {
        Thread.sleep(forTimeInterval: 11)
        var before = cpuSeconds().replicas
        for _ in 0..<60 {
            Thread.sleep(forTimeInterval: 1)
            let now = cpuSeconds().replicas
            if (now - before) * 20 < 1 { return }
            before = now
        }
    }

    /// CPU seconds used so far by the replicas and by the balancer's processes.
    func cpuSeconds() -> (replicas: Double, balancer: Double) {
        (
            replicaPIDs.reduce(0) { $0 + Measure.cpuSeconds(of: $1) },
            balancerProcesses.reduce(0) { $0 + Measure.cpuSeconds(of: $1) }
        )
    }

    private var balancerProcesses: [Int32] {
        guard let balancerPID else { return [] }
        let workers =
            (try? String(contentsOfFile: "/proc/\(balancerPID)/task/\(balancerPID)/children", encoding: .utf8))?
            .split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? []
        return [balancerPID] + workers
    }

    /// The resident memory of the replicas and of the balancer's processes, in bytes.
    func residentBytes() -> (replicas: Int, balancer: Int) {
        (
            replicaPIDs.reduce(0) { $0 + Measure.residentBytes(of: "\($1)") },
            balancerProcesses.reduce(0) { $0 + Measure.residentBytes(of: "\($1)") }
        )
    }

    private static func enrol(port: Int, hostKey: String) throws -> String {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/hosts/mbank/devices")!)
        request.httpMethod = "POST"
        request.setValue(hostKey, forHTTPHeaderField: "X-Host-Key")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = DeviceEnrolment.signed(hostId: "mbank", deviceKey: .generate(), at: Date()).wireJSON
        let (body, status) = try send(request)
        guard status == 201 else { throw SwarmError("enrolment answered \(status)") }
        return try JSONCursor(try JSONValue.parse(body)).require("token").string()
    }

    /// A request's body and ETag (blocking).
    static func fetch(_ request: URLRequest) throws -> (Data, String) {
        let (body, _, etag) = try exchange(request)
        return (body, etag)
    }

    static func send(_ request: URLRequest) throws -> (Data, Int) {
        let (body, status, _) = try exchange(request)
        return (body, status)
    }

    private static func exchange(_ request: URLRequest) throws -> (Data, Int, String) {
        let done = DispatchSemaphore(value: 0)
        let result = BlockingExchange()
        URLSession.shared.dataTask(with: request) { body, response, error in
            let http = response as? HTTPURLResponse
            result.value.withLock {
                $0 =
                    error.map { .failure($0) }
                    ?? .success((body ?? Data(), http?.statusCode ?? 0, http?.value(forHTTPHeaderField: "ETag") ?? ""))
            }
            done.signal()
        }.resume()
        done.wait()
        return try result.value.withLock { $0 ?? .failure(SwarmError("no answer")) }.get()
    }

    /// Runs a command line with `/bin/sh` (the cluster's daemons keep descriptors `Process` would wait on).
    static func shell(_ line: String) throws {
        let status = system(line)
        guard status == 0 else { throw SwarmError("'\(line.prefix(60))…' failed (\(status))") }
    }
}

/// Carries an HTTP exchange's outcome from URLSession's thread.
final class BlockingExchange: Sendable {
    let value = Mutex<Result<(Data, Int, String), any Error>?>(nil)
}
