import Foundation
import Testing

/// The real ncurses binary in tmux, driven as a person would: keys in, the pane's text out.
struct TermshellScreenTests {
    static func tmux(_ arguments: [String]) throws -> CommandRunner.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandRunner.Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The pane's text once it contains `needle` (or after 10 s).
    static func screen(_ session: String, showing needle: String) throws -> String {
        var text = ""
        for _ in 0..<100 {
            text = try tmux(["capture-pane", "-p", "-t", session]).stdout
            if text.contains(needle) { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return text
    }

    @Test("termshell in tmux: Chinese screens, keys, a resize, the too-small message, and q")
    func inTmux() throws {
        let session = "termshell-\(UUID().uuidString.prefix(8))"
        let bank = PlatformCommandTests.samples.deletingLastPathComponent().appendingPathComponent("seeds/bank.json")
        let binary = CommandRunner.productsDirectory.appendingPathComponent("termshell").path
        let started = try Self.tmux([
            "-u", "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
            "env LANG=C.UTF-8 \(binary) --lang zh --bank \(bank.path)",
        ])
        #expect(started.status == 0, "\(started.stderr)")
        defer { _ = try? Self.tmux(["kill-session", "-t", session]) }

        let login = try Self.screen(session, showing: "迷你银行")
        #expect(login.contains("选择一位演示客户"), "\(login)")
        #expect(login.contains("李娜"))
        _ = try Self.tmux(["send-keys", "-t", session, "Down", "Enter"])
        let home = try Self.screen(session, showing: "活期账户")
        #expect(home.contains("迷你银行 · 首页"), "\(home)")
        #expect(home.contains("张伟"))
        #expect(home.contains("¥8,620.55"))

        _ = try Self.tmux(["resize-window", "-t", session, "-x", "50", "-y", "12"])
        let small = try Self.screen(session, showing: "终端窗口太小")
        #expect(small.contains("50×12 < 60×16"), "\(small)")
        _ = try Self.tmux(["resize-window", "-t", session, "-x", "72", "-y", "24"])
        let back = try Self.screen(session, showing: "活期账户")
        #expect(back.split(separator: "\n").allSatisfy { $0.count <= 72 })

        _ = try Self.tmux(["send-keys", "-t", session, "q"])
        var alive = true
        for _ in 0..<50 where alive {
            alive = try Self.tmux(["has-session", "-t", session]).status == 0
            if alive { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(!alive, "q ends the shell and its tmux session")
    }
}
