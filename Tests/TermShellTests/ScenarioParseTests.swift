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

    @Test("resize takes WIDTHxHEIGHT; connection takes online, offline or expired with an optional timeout")
    func resizeAndConnection() throws {
        let scenario = try Scenario.parse(
            """
            resize 59x15
            resize 120x40
            connection online
            connection offline within 20s
            connection expired within 3
            """)
        #expect(
            scenario.lines.map(\.step) == [
                .resize(width: 59, height: 15), .resize(width: 120, height: 40), .connection(.online, seconds: 10),
                .connection(.offline, seconds: 20), .connection(.expired, seconds: 3),
            ])
        for (text, message) in [
            ("resize 80", "resize takes WIDTHxHEIGHT, each 1 to 1000, such as 80x24, not '80'"),
            ("resize 0x24", "resize takes WIDTHxHEIGHT, each 1 to 1000, such as 80x24, not '0x24'"),
            ("resize 80x24x2", "resize takes WIDTHxHEIGHT, each 1 to 1000, such as 80x24, not '80x24x2'"),
            ("resize 1001x24", "resize takes WIDTHxHEIGHT, each 1 to 1000, such as 80x24, not '1001x24'"),
            ("resize", "resize needs a size such as 80x24"),
            ("connection connected", "connection takes online, offline, expired, not 'connected'"),
            ("connection online within 0s", "wait takes more than 0 and at most 120 seconds, not '0s'"),
        ] {
            #expect(throws: Scenario.ParseError(line: 2, message: message), "\(text)") {
                try Scenario.parse("snapshot\n\(text)")
            }
        }
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
