import TermShell
import TermShellRuntime
import Testing

@Suite("Reading a scenario")
struct ScenarioParseTests {
    @Test("wait takes the last ' within Ns' as its timeout; without one, or out of range, it waits 10 s for all of it")
    func waitTimeouts() throws {
        let scenario = try Scenario.parse(
            """
            wait Current account within 60s
            wait Bench within 5
            wait valid within the hour within 12s
            wait Choose a demo customer
            wait slow within 500s
            wait odd within 0s
            """)
        #expect(
            scenario.lines.map(\.step) == [
                .wait("Current account", seconds: 60), .wait("Bench", seconds: 5),
                .wait("valid within the hour", seconds: 12), .wait("Choose a demo customer", seconds: 10),
                .wait("slow within 500s", seconds: 10), .wait("odd within 0s", seconds: 10),
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
        do {
            _ = try Scenario.parse("key enter\nkey nowhere")
            Issue.record("an unknown key was accepted")
        } catch {
            #expect(error.line == 2)
            #expect(error.message.contains("unknown key 'nowhere'"))
        }
    }
}
