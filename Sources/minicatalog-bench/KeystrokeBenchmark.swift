import Foundation
import MiniKit
import Synchronization
import TermShell
import TermShellCurses
import TerminalCells

/// termshell's keystroke-to-flushed-frame time at 120×40: reduce, render, diff, and write the changed cells
/// through ncurses (to a pipe whose bytes are counted), on the service centre with 40 services.
enum KeystrokeBenchmark {
    static func run() throws {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0, let output = fdopen(descriptors[1], "w"), let input = fopen("/dev/null", "r")
        else { throw SwarmError("cannot open a pipe for the terminal") }
        let counted = ByteCounter(descriptor: descriptors[0])
        setenv("COLUMNS", "120", 1)
        setenv("LINES", "40", 1)
        let terminal = CursesTerminal(type: "xterm-256color", output: output, input: input, colors: true)
        let bank = try DemoBank.load(try Data(contentsOf: URL(fileURLWithPath: "seeds/bank.json")))
        var state = ShellState(language: .chinese, bank: bank, width: 120, height: 40)
        _ = ShellReducer.reduce(&state, .key(.enter))
        let services = (0..<40).map { index in
            ShellState.Service(
                id: "com.bench.app\(index)", name: ShellState.Text("Service \(index)", chinese: "服务 \(index)"),
                summary: ShellState.Text("What service \(index) does", chinese: "服务 \(index) 的简介"),
                category: "category \(index % 5)", gray: index % 7 == 0,
                installed: index % 9 != 0, isNew: index % 11 == 0)
        }
        _ = ShellReducer.reduce(&state, .catalog(services, .current(version: 42, expires: "10:45")))
        _ = ShellReducer.reduce(&state, .key(.enter))  // the service centre
        var shown = ShellView.render(state)
        terminal.flush(FrameDiff.between(nil, shown))
        fflush(output)
        Thread.sleep(forTimeInterval: 0.1)
        let before = counted.total
        let keys: [Key] = Array(repeating: .down, count: 300) + Array(repeating: .up, count: 200)
        var cells = 0
        let result = Measure.latency(iterations: keys.count) {
            // One keystroke, as the loop handles it.
            _ = ShellReducer.reduce(&state, .key(keys.randomElement()!))
            let frame = ShellView.render(state)
            let diff = FrameDiff.between(shown, frame)
            cells += diff.cellCount
            terminal.flush(diff)
            shown = frame
        }
        fflush(output)
        Thread.sleep(forTimeInterval: 0.2)
        let bytes = counted.total - before
        terminal.close()
        print("\ntermshell keystrokes: the service centre at 120×40 (Chinese, 40 services), ncurses writing to a pipe")
        Measure.reportLatency("keystroke → reduce → render → diff → flushed frame", result, goal: 2)
        print(
            String(
                format: "  written per keystroke: %.0f bytes, %.0f changed cells (a full frame is 4,800 cells)",
                Double(bytes) / Double(keys.count), Double(cells) / Double(keys.count)))
    }
}

/// Counts the bytes arriving on a descriptor, on a thread of its own.
final class ByteCounter: Sendable {
    private let count = Atomic<Int>(0)

    init(descriptor: Int32) {
        Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let read = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
                if read <= 0 { return }
                self.count.add(read, ordering: .relaxed)
            }
        }.start()
    }

    var total: Int { count.load(ordering: .relaxed) }
}
