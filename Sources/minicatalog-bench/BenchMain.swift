import Foundation

/// `minicatalog-bench`: prints the numbers recorded in docs/PERFORMANCE.md. Run with `make bench`.
///
/// `minicatalog-bench [catalog|minikit|server|slowloris|recall|recall-steps|recall-local|launch|keys|shell-memory|all] [USERS]`; `BENCH_SHELLS` lists the shell
/// counts of the recall benchmark (1,100,1000); `BENCH_STREAMS` sets the open event streams
/// of the fan-out benchmark (1,000).
@main
struct BenchMain {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let section = arguments.first ?? "all"
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
