import SnapshotSupport
import TerminalCells
import Testing

@testable import MiniKit

struct LayoutTests {
    @Test("display widths: CJK and fullwidth take two cells, combining marks none")
    func widths() {
        #expect(CharacterWidth.of("车险报价") == 8)
        #expect(CharacterWidth.of("A沪1") == 4)
        #expect(CharacterWidth.of("é") == 1)
        #expect(CharacterWidth.of("e\u{301}") == 1)
        #expect(CharacterWidth.of("ＡＢ") == 4)
        #expect(CharacterWidth.of("✓") == 1)
    }

    @Test("wide characters are never split at the edge of a line, and cut text ends in an ellipsis")
    func wrapCJK() {
        #expect(CharacterWidth.wrap("车险报价单", width: 5) == ["车险", "报价", "单"])
        #expect(CharacterWidth.wrap("pay the bill now", width: 8) == ["pay the", "bill now"])
        var buffer = CellBuffer(width: 5, height: 1)
        #expect(buffer.write("沪A·12345", x: 0, y: 0) == 5)
        #expect(buffer.lines == ["沪A·…"])
        #expect(buffer[1, 0].isContinuation)
        var narrow = CellBuffer(width: 4, height: 1)
        #expect(narrow.write("A沪沪", x: 0, y: 0) == 4, "the second 沪 would need columns 4 and 5")
        #expect(narrow.lines == ["A沪…"])
        var wide = CellBuffer(width: 6, height: 1)
        #expect(wide.write("车险报价单", x: 0, y: 0, limit: 5) == 5, "the ellipsis takes the column 报 cannot")
        #expect(wide.lines == ["车险…"])
        var exact = CellBuffer(width: 4, height: 1)
        #expect(exact.write("A沪1", x: 0, y: 0) == 4)
        #expect(exact.lines == ["A沪1"], "text that fits exactly is not cut")
        #expect(exact.write("anything", x: 0, y: 0, limit: 0) == 0, "no room, not even for the ellipsis")
    }

    @Test("in a column, labelled texts, inputs and pickers line their values up after the widest label")
    func alignedLabels() throws {
        let result = TestApp.load(
            markup: """
                <column>
                  <text label="Car">沪A12345</text>
                  <text label="Premium" tone="accent">¥44.40</text>
                  <input label="Name" value="Li"/>
                  <text>No label: as it is</text>
                </column>
                """)
        let program = try #require(result.program, "\(TestApp.rendered(result))")
        var runtime = MiniProgramRuntime(
            program: program, policy: SandboxPolicy(grantedScopes: [], grantedDomains: [], openId: "x"),
            storage: InMemoryStorage(), width: 40, height: 6)
        _ = runtime.start()
        #expect(
            runtime.screen().lines.prefix(4) == [
                "Car:     沪A12345", "Premium: ¥44.40", "Name:    [Li▏               ]", "No label: as it is",
            ])
    }

    @Test("a page renders into cells with focus, wrapping and controls")
    func renderSnapshot() throws {
        let result = TestApp.load(
            markup: """
                <column gap="1">
                  <text tone="title" align="center">车险报价 Quote</text>
                  <row gap="2"><text>Left</text><text tone="muted">Right side text</text></row>
                  <input label="车牌" value="{{ plate }}" placeholder="沪A·12345"/>
                  <switch label="Glass" checked="{{ true }}"/>
                  <picker label="Days" range="{{ ['1 天', '3 天'] }}" value="1"/>
                  <progress percent="40" label="Step"/>
                  <divider label="Plans"/>
                  <list empty="Nothing here"></list>
                  <button type="primary">Get a quote</button>
                  <navigator url="index">More</navigator>
                </column>
                """, logic: "data { plate: '' }")
        let program = try #require(result.program, "\(result.diagnostics)")
        var runtime = MiniProgramRuntime(
            program: program, policy: SandboxPolicy(grantedScopes: [], grantedDomains: [], openId: "x"),
            storage: InMemoryStorage(), width: 40, height: 20)
        _ = runtime.start()
        assertSnapshot(runtime.screen().text, named: "layout-controls-40x20")
        #expect(runtime.screen().cells.contains { $0.focused }, "the first control has focus")
    }
}
