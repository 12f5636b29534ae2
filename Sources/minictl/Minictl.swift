import ArgumentParser
import Foundation

/// `minictl`: the command line for partners, reviewers and operations.
@main
struct Minictl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "minictl",
        abstract: "The mini-program platform's command line for partners, reviewers and operations.",
        discussion: """
            Exit codes: 0 success; 1 the command failed (bad file, malformed context, I/O, a refusal);
            2 usage error (unknown option, missing or conflicting arguments).
            """,
        version: "0.1.0",
        subcommands: [
            Check.self, Pack.self, Preview.self, Login.self, Partner.self, Host.self, App.self, Upload.self,
            Submit.self, Review.self, Release.self, Widen.self, Full.self, Pause.self, Cancel.self, Rollback.self,
            Delist.self, Relist.self, Status.self, Reports.self, Device.self, Audit.self, Segment.self, Gray.self,
            Key.self, Org.self, OfferCommand.self, Offers.self,
        ]
    )

    /// Runs the command with the project's exit codes: 1 for failures, 2 for usage errors.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var platformCommand = command as? any AsyncParsableCommand {
                try await platformCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let failure as CommandFailure {
            // A checker's diagnostic (ours or the server's) says "error: …" itself: one prefix, not two.
            let message = failure.message.hasPrefix("error: ") ? failure.message : "error: \(failure.message)"
            FileHandle.standardError.write(Data("minictl: \(message)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            FileHandle.standardError.write(Data("\(fullMessage(for: error))\n".utf8))
            Foundation.exit(2)
        }
    }
}

/// A command that ran and failed: printed as `minictl: error: …`, exit status 1.
struct CommandFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
