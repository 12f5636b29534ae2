import Foundation

/// Runs blocking work (a child process, a socket or pipe read, a wait) on a thread of its own, so that it never
/// holds one of the few threads Swift concurrency runs every test on — two here. Two tests blocked at once
/// stall the whole suite, and an in-process server under test, which needs those threads to answer, with it.
public func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// Stops a child process without waiting on a concurrency thread: for `defer` blocks, which cannot await.
/// The process gets SIGTERM; its exit is waited for on a thread of its own.
public func stopInBackground(_ process: Process) {
    process.terminate()
    Thread.detachNewThread { process.waitUntilExit() }
}
