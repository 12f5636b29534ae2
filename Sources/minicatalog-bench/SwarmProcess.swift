import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One load-generating process of the fleet benchmark: `minicatalog-bench swarm PORT COUNT SOURCE PATH
/// [HEADER…]` opens COUNT event streams from the loopback address SOURCE (at most 15,000: a process may hold
/// 20,000 descriptors), says `ready N` once N of them have their stream's first line, then answers commands on
/// standard input, one per line:
///
/// - `wait MARKER` (`\n` written as the two characters `\` `n`): says `waiting`, reads every stream until each
///   has shown MARKER or 60 s pass, then says `seen T1 T2 …`, the monotonic nanoseconds at which each stream
///   showed it (`-` for one that did not);
/// - `quit`: closes the streams and ends.
///
/// Monotonic clock readings of separate processes on one machine are comparable: the parent compares them
/// with the instant it sent the delisting.
enum SwarmProcess {
    /// The most streams one swarm process holds.
    static let maximumStreams = 15_000
    /// How many it opens at once.
    static let batch = 1_000

    /// The child's side.
    static func serve(_ arguments: [String]) throws {
        guard arguments.count >= 4, let port = Int(arguments[0]), let count = Int(arguments[1]),
            (1...maximumStreams).contains(count)
        else {
            throw SwarmError("usage: minicatalog-bench swarm PORT COUNT(1-\(maximumStreams)) SOURCE PATH [HEADER…]")
        }
        // In batches, each opened before the next is asked for: what is measured is the fan-out to open streams,
        // not a connection storm (shells reconnect with jitter).
        func open(_ streams: Int) throws -> (swarm: EventStreamSwarm, opened: Int) {
            let swarm = try EventStreamSwarm(
                port: port, path: arguments[3], headers: Array(arguments.dropFirst(4)), count: streams,
                source: arguments[2])
            return (swarm, swarm.wait(for: ": catalogd events", timeout: .seconds(60)).compactMap { $0 }.count)
        }
        var (swarm, opened) = try open(min(batch, count))
        for start in stride(from: batch, to: count, by: batch) {
            let next = try open(min(batch, count - start))
            swarm.adopt(next.swarm)
            opened += next.opened
        }
        say("ready \(opened)")
        while let line = readLine() {
            if line == "quit" { return }
            guard line.hasPrefix("wait ") else { continue }
            let marker = String(line.dropFirst(5)).replacingOccurrences(of: "\\n", with: "\n")
            say("waiting")
            let seen = swarm.wait(for: marker, timeout: .seconds(60))
            say("seen " + seen.map { $0.map(String.init) ?? "-" }.joined(separator: " "))
        }
    }

    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// The parent's handle on one child.
    final class Child {
        let process = Process()
        private let input = Pipe()
        private let output = Pipe()
        private var buffered = Data()

        /// Starts a child holding `count` streams of `path` on `port`, from `source`.
        init(port: Int, count: Int, source: String, path: String, headers: [String]) throws {
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = ["swarm", "\(port)", "\(count)", source, path] + headers
            process.standardInput = input
            process.standardOutput = output
            try process.run()
        }

        /// The child's next line (blocking); nil once it has ended.
        func line() -> String? {
            while true {
                if let end = buffered.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffered[buffered.startIndex..<end], as: UTF8.self)
                    buffered = Data(buffered[(end + 1)...])
                    return line
                }
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return nil }
                buffered.append(chunk)
            }
        }

        func send(_ command: String) {
            input.fileHandleForWriting.write(Data((command + "\n").utf8))
        }

        /// Waits for `ready N`; returns N.
        func ready() throws -> Int {
            guard let line = line(), line.hasPrefix("ready "), let opened = Int(line.dropFirst(6)) else {
                throw SwarmError("a swarm process did not open its streams")
            }
            return opened
        }

        /// Asks the child to wait for `marker`; returns once it is reading.
        func startWaiting(for marker: String) throws {
            send("wait " + marker.replacingOccurrences(of: "\n", with: "\\n"))
            guard line() == "waiting" else { throw SwarmError("a swarm process stopped") }
        }

        /// What the child saw: per stream, when it showed the marker.
        func seen() throws -> [UInt64?] {
            guard let line = line(), line.hasPrefix("seen") else { throw SwarmError("a swarm process stopped") }
            return line.split(separator: " ").dropFirst().map { UInt64($0) }
        }

        func quit() {
            send("quit")
            process.waitUntilExit()
        }
    }
}
