import TermShell
import TermShellRuntime
import Testing

@Suite("Reading a scenario")
struct ScenarioParseTests {
    @Test("wait takes the last ' within N[s]' as its timeout; without one it waits 10 s for all of the text")
    func waitTimeouts() throws {
        let scenario = try Scenario.parse(
            """
            wait Current account within 60s
            wait Bench within 5
            wait valid within the hour within 12s
            wait Choose a demo customer
            wait the text within reason
            """)
        #expect(
            scenario.lines.map(\.step) == [
                .wait("Current account", seconds: 60), .wait("Bench", seconds: 5),
                .wait("valid within the hour", seconds: 12), .wait("Choose a demo customer", seconds: 10),
                .wait("the text within reason", seconds: 10),
            ])
    }

    @Test(
        "white space around a step goes (tabs, a Windows line end, an ideographic space); comments and blanks are skipped"
    )
    func whitespace() throws {
        let scenario = try Scenario.parse(
            "# a comment\n\n\tkey   enter down \r\n\u{3000}expect 活期账户\u{3000}\n   \nsnapshot")
        #expect(scenario.lines.map(\.step) == [.keys([.enter, .down]), .expect("活期账户"), .snapshot])
        #expect(scenario.lines.map(\.number) == [3, 4, 6])
    }

    @Test("a step that cannot be read names its line")
    func errors() {
        #expect(throws: Scenario.ParseError.self) { try Scenario.parse("key enter\n  wait   \n") }
        for timeout in ["500s", "0", "-3s"] {
            refused("key enter\nwait Home within \(timeout)", line: 2, saying: "at most 120 seconds")
        }
        refused("key enter\nkey nowhere", line: 2, saying: "unknown key 'nowhere'")
    }

    func refused(_ text: String, line: Int, saying message: String) {
        do {
            _ = try Scenario.parse(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}
