import Foundation

/// `minicatalog-bench`: prints the numbers recorded in docs/PERFORMANCE.md. Run with `make bench`.
///
/// `minicatalog-bench [catalog|minikit|server|slowloris|recall|recall-steps|recall-local|launch|keys|shell-memory|fleet|all] [USERS]`;
/// `BENCH_SHELLS` lists the shell counts of the recall benchmark (1,100,1000); `BENCH_STREAMS` sets the open
/// event streams of the fan-out benchmark (1,000); `BENCH_FLEET` and `BENCH_FLEET_SQLITE` the stream counts of
/// the fleet benchmark (10000,25000,50000 through the balancer; 10000,18000 on one SQLite replica). `fleet`
/// is not part of `all` (it takes minutes): `make bench-fleet` runs it.
@main
struct BenchMain {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let section = arguments.first ?? "all"
        // A child of the fleet benchmark: no header, its own protocol on standard input and output.
        if section == "swarm" {
            try SwarmProcess.serve(Array(arguments.dropFirst()))
            return
        }
        let users = arguments.dropFirst().first.flatMap(Int.init) ?? 100_000
        let streams = Int(ProcessInfo.processInfo.environment["BENCH_STREAMS"] ?? "") ?? 1_000
        print("minicatalog-bench — \(ProcessInfo.processInfo.activeProcessorCount) cores, single-threaded measurements")
        if section == "all" || section == "catalog" {
            try CatalogBenchmarks.grayEvaluations(users: users)
            try CatalogBenchmarks.envelopes()
        }
        if section == "all" || section == "minikit" {
            try MiniKitBenchmarks.run()
        }
        if section == "all" || section == "server" {
            try await ServerBenchmarks.run(streams: streams)
        }
        if section == "all" || section == "slowloris" { try await SlowlorisBenchmark.run() }
        if section == "fleet" {
            let counts = (ProcessInfo.processInfo.environment["BENCH_FLEET"] ?? "10000,25000,50000").split(
                separator: ","
            )
            .compactMap { Int($0) }
            let single = (ProcessInfo.processInfo.environment["BENCH_FLEET_SQLITE"] ?? "10000,18000").split(
                separator: ","
            ).compactMap { Int($0) }
            try FleetBenchmark.run(counts: counts, sqliteCounts: single)
        }
        if section == "recall-steps" { try RecallSteps.run() }
        if section == "recall-local" { try await RecallLocal.run(count: 1000) }
        if section == "all" || section == "launch" { try await LaunchBenchmark.run() }
        if section == "all" || section == "keys" { try KeystrokeBenchmark.run() }
        if section == "all" || section == "shell-memory" { try await ShellMemoryBenchmark.run() }
        if section == "all" || section == "recall" {
            try RecallSteps.run()
            let counts = (ProcessInfo.processInfo.environment["BENCH_SHELLS"] ?? "1,100,1000").split(separator: ",")
                .compactMap { Int($0) }
            try await RecallBenchmark.run(counts: counts)
        }
        print(String(format: "\npeak resident memory: %.1f MiB", Double(Measure.peakResidentBytes()) / 1_048_576))
    }
}
