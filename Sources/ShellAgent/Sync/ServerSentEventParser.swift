/// One server-sent event: its id (the catalog event sequence), its type and its data.
public struct ServerSentEvent: Sendable, Hashable {
    public var id: String?
    public var event: String
    public var data: String

    public init(id: String?, event: String = "message", data: String) {
        self.id = id
        self.event = event
        self.data = data
    }
}

/// Reads the `text/event-stream` format incrementally, chunk by chunk, as the WHATWG spec describes
/// (fields `id`, `event`, `data`; comments start with `:`; a blank line ends an event), with bounds: a line
/// or an event larger than ``maximumEventSize`` is an error, not an allocation.
public struct ServerSentEventParser: Sendable {
    public struct Overflow: Error, Sendable, CustomStringConvertible {
        /// The events completed in the same chunk before the oversized line: still to be handled.
        public var completed: [ServerSentEvent] = []
        public var description: String { "an event stream line or event is larger than the limit" }
    }

    public static let maximumEventSize = 256 * 1024

    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var event = ""
    private var id: String?
    private var lastWasCarriageReturn = false

    public init() {}

    /// Feeds bytes; returns the events they complete, in order.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(Overflow) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if byte == 0x0A && lastWasCarriageReturn {
                lastWasCarriageReturn = false
                continue  // the LF of a CRLF
            }
            lastWasCarriageReturn = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                do {
                    if let completed = try endOfLine() { events.append(completed) }
                } catch {
                    throw Overflow(completed: events)
                }
                continue
            }
            guard line.count < Self.maximumEventSize else { throw Overflow(completed: events) }
            line.append(byte)
        }
        return events
    }

    private mutating func endOfLine() throws(Overflow) -> ServerSentEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            defer {
                data.removeAll(keepingCapacity: true)
                hasData = false
                event = ""
            }
            guard hasData else { return nil }
            return ServerSentEvent(
                id: id, event: event.isEmpty ? "message" : event, data: String(decoding: data, as: UTF8.self))
        }
        if line.first == 0x3A { return nil }  // a comment (heartbeats)
        let colon = line.firstIndex(of: 0x3A) ?? line.endIndex
        let field = String(decoding: line[..<colon], as: UTF8.self)
        var valueStart = colon < line.endIndex ? line.index(after: colon) : line.endIndex
        if valueStart < line.endIndex, line[valueStart] == 0x20 { valueStart = line.index(after: valueStart) }
        let value = line[valueStart...]
        switch field {
        case "data":
            guard data.count + value.count + 1 <= Self.maximumEventSize else { throw Overflow() }
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case "event": event = String(decoding: value, as: UTF8.self)
        case "id" where !value.contains(0):
            id = String(decoding: value, as: UTF8.self)
        default: break  // retry and unknown fields are ignored
        }
        return nil
    }
}
