import CatalogServer
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway PostgreSQL 15 cluster on a free loopback port, for tests and benchmarks: `initdb` and `pg_ctl` in a
/// temporary folder (as the `postgres` user when running as root, which PostgreSQL refuses), one fresh database
/// per test, and the whole cluster stopped and removed when the process exits. When PostgreSQL cannot be started
/// the error says why: tests that need it fail, never skip.
public final class PostgresTestCluster: Sendable {
    public let port: Int
    let folder: URL
    let binaries: URL

    /// Why the cluster could not be used.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The cluster of this process, started on first use (about 2 s) and stopped at exit.
    public static func shared() throws -> PostgresTestCluster {
        try sharedCluster.withLock { cluster in
            if let cluster { return try cluster.get() }
            let started = Result { try PostgresTestCluster() }
            cluster = started
            if case .success(let running) = started {
                registerStop(running)
            }
            return try started.get()
        }
    }

    private static let sharedCluster = Mutex<Result<PostgresTestCluster, any Error>?>(nil)

    private init() throws {
        guard let binaries = Self.findBinaries() else {
            throw Failure(
                description:
                    "PostgreSQL 15 is not installed (no initdb in /usr/lib/postgresql/15/bin): apt-get install postgresql-15 (.ci/run does)"
            )
        }
        self.binaries = binaries
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pg-\(UUID().uuidString.prefix(8))")
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: data.path)
        if getuid() == 0 { try Self.command("/bin/chown", ["-R", "postgres", folder.path]) }
        try Self.run(
            binaries, "initdb", ["-D", data.path, "-A", "trust", "-U", "postgres", "--no-sync"], root: getuid() == 0)
        var lastError = ""
        for _ in 0..<5 {
            let candidate = try Self.freePort()
            do {
                try Self.run(
                    binaries, "pg_ctl",
                    [
                        "-D", data.path, "-w", "-t", "30", "-l", folder.appendingPathComponent("log").path, "-o",
                        "-p \(candidate) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
                        "start",
                    ], root: getuid() == 0)
                port = candidate
                return
            } catch {
                lastError = "\(error)"
            }
        }
        throw Failure(description: "PostgreSQL did not start: \(lastError)")
    }

    /// A new, empty database of this cluster.
    public func database(
        _ name: String = "t\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
    )
        throws -> DatabaseLocation.PostgresAddress
    {
        try Self.run(binaries, "createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", name], root: false)
        return DatabaseLocation.PostgresAddress(
            user: "postgres", password: nil, host: "127.0.0.1", port: port, database: name)
    }

    /// Runs SQL on a database of this cluster with `psql`, as the superuser (a test cutting a replica's
    /// connection with `pg_terminate_backend`, say).
    public func execute(_ sql: String, in database: String) throws {
        try Self.run(
            binaries, "psql",
            ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql],
            root: false)
    }

    /// A cluster of its own (for a test that stops and starts the server); the caller stops it.
    public static func start() throws -> PostgresTestCluster { try PostgresTestCluster() }

    /// Stops the server as `kill -9` would (`pg_ctl -m immediate`); the folder stays.
    public func stopServer() throws {
        try Self.run(
            binaries, "pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "immediate", "stop"],
            root: getuid() == 0)
    }

    /// Starts the server again on the same port.
    public func startServer() throws {
        try Self.run(
            binaries, "pg_ctl",
            [
                "-D", folder.appendingPathComponent("data").path, "-w", "-t", "30", "-l",
                folder.appendingPathComponent("log").path, "-o",
                "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
                "start",
            ], root: getuid() == 0)
    }

    /// Stops the cluster and removes its folder.
    public func stop() {
        _ = try? Self.run(
            binaries, "pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "immediate", "stop"],
            root: getuid() == 0)
        try? FileManager.default.removeItem(at: folder)
    }

    private static func registerStop(_ cluster: PostgresTestCluster) {
        clusterToStop.withLock { $0 = cluster }
        atexit { PostgresTestCluster.clusterToStop.withLock { $0?.stop() } }
    }

    private static let clusterToStop = Mutex<PostgresTestCluster?>(nil)

    private static func findBinaries() -> URL? {
        for version in ["15", "16", "17", "14"] {
            let folder = URL(fileURLWithPath: "/usr/lib/postgresql/\(version)/bin")
            if FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("initdb").path) {
                return folder
            }
        }
        return nil
    }

    /// A loopback port nobody listens on now.
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "no socket for a free port") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0,
            withUnsafeMutablePointer(
                to: &address,
                {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
                }) == 0
        else { throw Failure(description: "no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs one of PostgreSQL's programs, as the postgres user when `root` (PostgreSQL refuses to run as root).
    private static func run(_ binaries: URL, _ program: String, _ arguments: [String], root: Bool) throws {
        let path = binaries.appendingPathComponent(program).path
        if root {
            try command("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments)
        } else {
            try command(path, arguments)
        }
    }

    /// Runs a program through `/bin/sh` and waits for it alone. Not `Process`: the server `pg_ctl` starts keeps
    /// descriptors Foundation waits on, and `Process` then never sees its child exit.
    private static func command(_ path: String, _ arguments: [String]) throws {
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cmd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let line =
            ([path] + arguments).map(quoted).joined(separator: " ")
            + " </dev/null >/dev/null 2>\(quoted(errorFile.path))"
        let status = system(line)
        guard status == 0 else {
            let text = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            throw Failure(
                description:
                    "\(URL(fileURLWithPath: path).lastPathComponent) \(arguments.joined(separator: " ")) failed (\(status)): \(text.prefix(400))"
            )
        }
    }

    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
