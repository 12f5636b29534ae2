import CatalogTestSupport
import Foundation

/// Runs a built executable of this package and captures what it printed.
struct CommandRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The folder holding the built products: beside the test bundle, or `MINICATALOG_BIN` when set.
    static let productsDirectory: URL = {
        if let override = ProcessInfo.processInfo.environment["MINICATALOG_BIN"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }()

    /// Runs `product`; with a `timeout`, a child still running then is killed (status `SIGKILL`, stderr says so),
    /// so a program that hangs fails its test instead of stopping the suite.
    static func run(
        _ product: String, _ arguments: [String], currentDirectory: URL? = nil, environment: [String: String] = [:],
        timeout: TimeInterval? = nil
    ) async throws -> Result {
        try await CatalogTestSupport.offload {
            try runBlocking(
                product, arguments, currentDirectory: currentDirectory, environment: environment, timeout: timeout)
        }
    }

    /// Waits for a child to exit, off the concurrency threads.
    static func exit(_ process: Process) async {
        _ = try? await CatalogTestSupport.offload { process.waitUntilExit() }
    }

    private static func runBlocking(
        _ product: String, _ arguments: [String], currentDirectory: URL?, environment: [String: String],
        timeout: TimeInterval?
    ) throws -> Result {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent(product)
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let watchdog = timeout.map { seconds in
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + seconds)
            timer.setEventHandler { [pid = process.processIdentifier] in kill(pid, SIGKILL) }
            timer.resume()
            return timer
        }
        defer { watchdog?.cancel() }
        // Read both pipes before waiting, so a chatty child never blocks on a full pipe.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
                + (killed ? "\n(killed: still running after the timeout)" : ""))
    }
}

/// A temporary folder removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("minictl-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
