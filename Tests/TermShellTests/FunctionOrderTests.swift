import Foundation
import Testing

/// The function order the release link of termshell uses (`make order-file` writes it; docs/PERFORMANCE.md).
@Suite("termshell's function order")
struct FunctionOrderTests {
    @Test("it lists thousands of functions a profiled session ran, sorted and once each, the entry point among them")
    func orderFile() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/termshell/termshell.order")
        let lines = try String(contentsOf: file, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        let names = lines.last == "" ? lines.dropLast() : lines[...]
        #expect(names.count >= 1_000, "an order of \(names.count) functions: run make order-file")
        #expect(!names.contains(""), "blank lines")
        #expect(names.elementsEqual(Set(names).sorted()), "not sorted, or a name twice")
        #expect(names.contains("termshell_main"))
    }
}
