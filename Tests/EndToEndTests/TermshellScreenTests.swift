import CatalogTestSupport
import Foundation
import Testing

/// The real ncurses binary in tmux, driven as a person would: keys in, the pane's text out.
struct TermshellScreenTests {
    static func tmux(_ arguments: [String]) async throws -> CommandRunner.Result {
        try await offload { try tmuxBlocking(arguments) }
    }

    /// The same, blocking: for `defer` blocks, which cannot wait.
    static func tmuxBlocking(_ arguments: [String]) throws -> CommandRunner.Result {
        // posix_spawn and waitpid, not Foundation's Process: the first call starts the tmux server, which
        // keeps every descriptor it inherited — Process's own bookkeeping included, so Process would never see
        // the client end and the test would hang.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString).out").path
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString).err").path
        defer {
            unlink(out)
            unlink(err)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = (["/usr/bin/tmux"] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/tmux", &actions, nil, argv, environ)
        guard spawned == 0 else { throw CocoaError(.executableLoad) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return CommandRunner.Result(
            status: (status >> 8) & 0xff, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// The pane's text once it contains `needle` (or after 10 s).
    static func screen(_ session: String, showing needle: String) async throws -> String {
        var text = ""
        for _ in 0..<100 {
            text = try await tmux(["capture-pane", "-p", "-t", session]).stdout
            if text.contains(needle) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return text
    }

    /// Starts the offline shell with the demo bank in a new 100×30 tmux session; returns the session's name.
    static func startShell(environment: String, arguments: String = "") async throws -> String {
        let session = "termshell-\(UUID().uuidString.prefix(8))"
        let bank = PlatformCommandTests.samples.deletingLastPathComponent().appendingPathComponent("seeds/bank.json")
        let binary = CommandRunner.productsDirectory.appendingPathComponent("termshell").path
        let started = try await tmux([
            "-u", "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
            "env \(environment) \(binary) \(arguments) --bank \(bank.path)",
        ])
        #expect(started.status == 0, "\(started.stderr)")
        return session
    }

    @Test("termshell in tmux: Chinese screens, keys, a resize, the too-small message, and q")
    func inTmux() async throws {
        let session = try await Self.startShell(environment: "LANG=C.UTF-8", arguments: "--lang zh")
        defer { _ = try? Self.tmuxBlocking(["kill-session", "-t", session]) }

        let login = try await Self.screen(session, showing: "迷你银行")
        #expect(login.contains("选择一位演示客户"), "\(login)")
        #expect(login.contains("李娜"))
        _ = try await Self.tmux(["send-keys", "-t", session, "Down", "Enter"])
        let home = try await Self.screen(session, showing: "活期账户")
        #expect(home.contains("迷你银行 · 首页"), "\(home)")
        #expect(home.contains("张伟"))
        #expect(home.contains("¥8,620.55"))

        _ = try await Self.tmux(["resize-window", "-t", session, "-x", "50", "-y", "12"])
        let small = try await Self.screen(session, showing: "终端窗口太小")
        #expect(small.contains("50×12 < 60×16"), "\(small)")
        _ = try await Self.tmux(["resize-window", "-t", session, "-x", "72", "-y", "24"])
        let back = try await Self.screen(session, showing: "活期账户")
        #expect(back.split(separator: "\n").allSatisfy { $0.count <= 72 })

        _ = try await Self.tmux(["send-keys", "-t", session, "q"])
        var alive = true
        for _ in 0..<50 where alive {
            alive = try await Self.tmux(["has-session", "-t", session]).status == 0
            if alive { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(!alive, "q ends the shell and its tmux session")
    }

    @Test("LANG names a Chinese locale this machine lacks: the screens are Chinese and the characters still show")
    func missingLocale() async throws {
        let session = try await Self.startShell(environment: "-u LC_ALL -u LC_CTYPE -u LC_MESSAGES LANG=zh_CN.UTF-8")
        defer { _ = try? Self.tmuxBlocking(["kill-session", "-t", session]) }
        let login = try await Self.screen(session, showing: "迷你银行")
        #expect(login.contains("选择一位演示客户"), "\(login)")
        _ = try await Self.tmux(["send-keys", "-t", session, "q"])
    }
}

/// The demo's story on the real binaries: a customer opens the service centre, operations delist a service,
/// the screen shows the notice and the service is gone.
struct TermshellRecallScreenTests {
    @Test("signed in against catalogd: services listed; a delisting shows its notice within moments")
    func recallOnScreen() async throws {
        let folder = try TemporaryDirectory()
        let platform = try await TermshellHeadlessTests.platform(folder)
        defer { platform.stop() }
        let session = "termshell-\(UUID().uuidString.prefix(8))"
        let bank = PlatformCommandTests.samples.deletingLastPathComponent().appendingPathComponent("seeds/bank.json")
        let binary = CommandRunner.productsDirectory.appendingPathComponent("termshell").path
        let command = [
            "env LANG=C.UTF-8 \(binary) --lang en --bank \(bank.path) --server \(platform.url) --host mbank",
            "--host-key \(platform.hostKey) --user-key \(platform.userKey) --server-key \(platform.publicKey)",
            "--data \(folder.url.appendingPathComponent("shell").path)",
        ].joined(separator: " ")
        _ = try await TermshellScreenTests.tmux([
            "-u", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", command,
        ])
        defer { _ = try? TermshellScreenTests.tmuxBlocking(["kill-session", "-t", session]) }
        _ = try await TermshellScreenTests.screen(session, showing: "Choose a demo customer")
        // Li Na (vip, Shanghai), then the Services action.
        _ = try await TermshellScreenTests.tmux(["send-keys", "-t", session, "Enter"])
        _ = try await TermshellScreenTests.screen(session, showing: "Current account")
        _ = try await TermshellScreenTests.tmux(["send-keys", "-t", session, "Enter"])
        let services = try await TermshellScreenTests.screen(session, showing: "On-demand car insurance")
        #expect(services.contains("online · valid until"), "\(services)")
        #expect(services.contains("Harbour Funds") == true || services.contains("EastSec"))

        let delist = try await CommandRunner.run(
            "minictl",
            [
                "delist", "com.carins.quote", "--host", "mbank", "--reason", "Partner licence suspended", "--server",
                platform.url, "--token", platform.opsToken,
            ])
        #expect(delist.status == 0, "\(delist.stderr)")
        let notice = try await TermshellScreenTests.screen(session, showing: "was taken down")
        #expect(notice.contains("On-demand car insurance was taken down"), "\(notice)")
        #expect(notice.contains("licence suspended"))
        _ = try await TermshellScreenTests.tmux(["send-keys", "-t", session, "Space"])
        var after = ""
        for _ in 0..<50 {
            after = try await TermshellScreenTests.tmux(["capture-pane", "-p", "-t", session]).stdout
            if !after.contains("On-demand car insurance") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(!after.contains("On-demand car insurance"), "the service left the list: \(after)")
    }
}
