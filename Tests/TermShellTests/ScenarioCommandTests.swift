import Foundation
import Testing

@testable import TermShellRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// A scenario's `run` step runs with a clean slate of signals, whatever termshell blocks for itself.
struct ScenarioCommandTests {
    @Test("a command can stop what it starts, though the thread that runs it blocks SIGTERM and SIGINT")
    func cleanSignals() throws {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        sigaddset(&blocked, SIGINT)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let outcome = try ScenarioCommand(
            command: "sleep 30 & kill -TERM $!; wait $!; echo \"status $?\"", environment: [:],
            timeLimit: .seconds(20)
        ).run()
        #expect(!outcome.timedOut, "the sleep ignored SIGTERM")
        #expect(outcome.output.contains("status 143"), "\(outcome.output)")
    }
}
