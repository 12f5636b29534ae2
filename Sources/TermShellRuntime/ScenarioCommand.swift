import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A scenario's `run` step: `/bin/bash -c COMMAND`, output into a file, reaped with `waitpid`.
///
/// Not Foundation's `Process`: a command may leave a background process behind (a restarted catalogd), and on
/// Linux `Process` then never reports the command's end (it watches a descriptor the child inherits). The command runs in its own process group so that a
/// command past its time limit is stopped with everything it started in the foreground.
struct ScenarioCommand {
    struct Outcome {
        /// The exit status, or nil when the command was stopped at its time limit or killed by a signal.
        var status: Int32?
        var output: String
        var timedOut: Bool
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    /// The output kept for the transcript; the rest is cut.
    static let outputLimit = 64 * 1024

    var command: String
    var environment: [String: String]
    var timeLimit: Duration

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc 2.34's `posix_spawn_file_actions_addclosefrom_np` (Swift does not import it), looked up at run
    /// time; without it, every open descriptor is marked close-on-exec instead.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
            if closeFrom(&actions, 3) == 0 { return }
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap(Int32.init) where descriptor > 2 {
            _ = fcntl(descriptor, F_SETFD, fcntl(descriptor, F_GETFD) | FD_CLOEXEC)
        }
    }

    func run() throws -> Outcome {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "termshell-scenario-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of termshell's: its connections, and whatever descriptor the process that started
        // termshell watches to learn that it ended (a server left running must not hold that open).
        Self.closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A clean slate of signals: termshell blocks or ignores some for itself (SIGINT, SIGTERM, SIGPIPE), and
        // a command must be able to stop what it starts (`sleep 30 & kill -TERM $!`).
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)

        let arguments = ["/bin/bash", "-c", command]
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = variables.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw SpawnError(description: "cannot start /bin/bash: \(String(cString: strerror(spawned)))")
        }

        let deadline = ContinuousClock.now + timeLimit
        var status: Int32 = 0
        var timedOut = false
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped == -1 && errno != EINTR { break }
            if ContinuousClock.now >= deadline {
                timedOut = true
                kill(-pid, SIGTERM)
                usleep(200_000)
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(10_000)
        }
        var output = (try? Data(contentsOf: file)) ?? Data()
        if output.count > Self.outputLimit { output = output.prefix(Self.outputLimit) + Data("…".utf8) }
        // WIFEXITED and WEXITSTATUS are macros Swift does not import.
        let exited = status & 0x7f == 0
        return Outcome(
            status: !timedOut && exited ? (status >> 8) & 0xff : nil,
            output: String(decoding: output, as: UTF8.self), timedOut: timedOut)
    }
}
