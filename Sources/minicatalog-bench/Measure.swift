import CHeapStats
import Foundation

/// Timing helpers shared by the benchmarks: repeated rounds, median and best, printed with a goal.
enum Measure {
    struct Rate {
        var best: Double
        var median: Double
    }

    /// Runs `body` `rounds` times; each returns how many operations it did. Reports operations per second.
    static func measure(rounds: Int, _ body: () -> Int) -> Rate {
        let clock = ContinuousClock()
        var rates: [Double] = []
        for _ in 0..<rounds {
            var operations = 0
            let elapsed = clock.measure { operations = body() }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            rates.append(Double(operations) / seconds)
        }
        rates.sort()
        return Rate(best: rates.last!, median: rates[rates.count / 2])
    }

    static func report(_ name: String, _ rate: Rate, unit: String, goal: Double?) {
        var line = "  \(name): \(format(rate.median)) \(unit) median, \(format(rate.best)) best"
        line += String(format: " (%.3f µs each)", 1e6 / rate.median)
        if let goal {
            line += rate.median >= goal ? " — goal ≥ \(format(goal)): met" : " — goal ≥ \(format(goal)): NOT met"
        }
        print(line)
    }

    /// The value below which the fraction `p` of `values` lies (nearest rank); `values` must be sorted.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        values.isEmpty ? .nan : values[max(0, Int((p * Double(values.count)).rounded(.up)) - 1)]
    }

    static func format(_ value: Double) -> String {
        if value >= 1_000_000 { return String(format: "%.2fM", value / 1_000_000) }
        if value >= 1_000 { return String(format: "%.1fk", value / 1_000) }
        return String(format: "%.0f", value)
    }

    /// A duration in microseconds, one decimal: every per-operation time of the bench reads the same way.
    static func micros(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.1f µs", seconds * 1e6)
    }

    /// Resident memory now (`/proc/PROCESS/statm`) of this process or of another one by pid; 0 for one gone.
    static func residentBytes(of process: String = "self") -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(process)/statm", encoding: .utf8) else { return 0 }
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// CPU time (user and system) a process has used, in seconds; 0 for one gone.
    static func cpuSeconds(of pid: Int32) -> Double {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        // After the command's closing parenthesis: state is field 3, utime 14 and stime 15.
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        guard fields.count > 13 else { return 0 }
        return Double((Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// Bytes the C heap has handed out and not taken back (glibc's `mallinfo2`): what a value holds once built.
    static func heapInUse() -> Int {
        Int(minicatalog_heap_in_use())
    }

    /// Times `body` `iterations` times; returns milliseconds at the median, p99 and max.
    static func latency(iterations: Int, _ body: () throws -> Void) rethrows -> (
        median: Double, p99: Double, max: Double
    ) {
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(iterations)
        for _ in 0..<iterations {
            let elapsed = try clock.measure { try body() }
            samples.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
        }
        samples.sort()
        return (
            samples[samples.count / 2], samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))],
            samples.last!
        )
    }

    /// `latency` for async work.
    static func latencyAsync(iterations: Int, _ body: () async throws -> Void) async rethrows -> (
        median: Double, p99: Double, max: Double
    ) {
        let clock = ContinuousClock()
        var samples: [Double] = []
        for _ in 0..<iterations {
            let start = clock.now
            try await body()
            let elapsed = clock.now - start
            samples.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
        }
        samples.sort()
        return (
            samples[samples.count / 2], samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))],
            samples.last!
        )
    }

    /// Prints a latency line; a goal is held against the p99, or against the median when the goal says so.
    static func reportLatency(
        _ name: String, _ result: (median: Double, p99: Double, max: Double), goal: Double?, onMedian: Bool = false
    ) {
        var line = String(
            format: "  %@: %.3f ms median, %.3f ms p99, %.3f ms max", name, result.median, result.p99, result.max)
        if let goal {
            let measured = onMedian ? result.median : result.p99
            let which = onMedian ? "median" : "p99"
            line +=
                measured <= goal
                ? String(format: " — goal %@ ≤ %g ms: met", which, goal)
                : String(format: " — goal %@ ≤ %g ms: NOT met", which, goal)
        }
        print(line)
    }
}
