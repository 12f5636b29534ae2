import ShellAgent
import Testing

struct ServerSentEventParserTests {
    @Test("events split anywhere across chunks come out whole; comments and unknown fields are skipped")
    func chunks() throws {
        let stream =
            ": catalogd events\n\nid: 7\nevent: catalog\ndata: {\"a\":1}\n\n: heartbeat\n\nretry: 10\ndata: two\ndata: lines\n\n"
        let bytes = Array(stream.utf8)
        for split in 0...bytes.count {
            var parser = ServerSentEventParser()
            var events = try parser.feed(bytes[..<split])
            events += try parser.feed(bytes[split...])
            #expect(
                events == [
                    ServerSentEvent(id: "7", event: "catalog", data: "{\"a\":1}"),
                    ServerSentEvent(id: "7", event: "message", data: "two\nlines"),
                ], "split at \(split)")
        }
    }

    @Test("CR, LF and CRLF all end lines; an event without data is not dispatched")
    func lineEndings() throws {
        var parser = ServerSentEventParser()
        #expect(try parser.feed(Array("id: 1\r\nevent: x\r\n\r\n".utf8)).isEmpty)
        #expect(try parser.feed(Array("data:a\rdata:b\r\r".utf8)) == [ServerSentEvent(id: "1", data: "a\nb")])
    }

    @Test("a line or an event over the limit is an error, not an allocation")
    func bounded() {
        var parser = ServerSentEventParser()
        let long = [UInt8](repeating: 0x61, count: ServerSentEventParser.maximumEventSize + 1)
        #expect(throws: ServerSentEventParser.Overflow.self) { try parser.feed(Array("data: ".utf8) + long) }
        var many = ServerSentEventParser()
        let line = Array("data: ".utf8) + [UInt8](repeating: 0x62, count: 1000) + [0x0A]
        #expect(throws: ServerSentEventParser.Overflow.self) {
            for _ in 0..<300 { _ = try many.feed(line) }
        }
    }
}
