import CEpoll
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Many open connections on loopback, read by one thread with `poll`: the load generator for the delisting
/// fan-out benchmark (event streams; it notes when each first shows a given event id) and for the slowloris
/// benchmark (half-sent requests; it notes when the server has closed them all).
final class EventStreamSwarm: @unchecked Sendable {
    private var sockets: [Int32] = []
    /// The last bytes read per stream, so a marker split across reads is still found.
    private var tails: [[UInt8]]

    /// Opens `count` streams of `path` with the given headers; throws when a connection fails. `source` is the
    /// loopback address to connect from (a port per connection is taken from the source address's range: more
    /// than about 28,000 connections to one server port need several sources).
    convenience init(port: Int, path: String, headers: [String], count: Int, source: String? = nil) throws {
        try self.init(
            port: port,
            sending: "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers.map { "\($0)\r\n" }.joined()
                + "Accept: text/event-stream\r\n\r\n",
            count: count, source: source)
    }

    /// Opens `count` connections and sends `text` on each (a whole request, or half of one).
    init(port: Int, sending text: String, count: Int, source: String? = nil) throws {
        tails = Array(repeating: [], count: count)
        let request = Array(text.utf8)
        for _ in 0..<count {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw SwarmError("socket: \(String(cString: strerror(errno)))") }
            if let source {
                // The port is chosen at connect, by the whole address pair: a port bound without a destination
                // would be taken from every other connection on the machine (the balancer's to the replicas).
                var one: Int32 = 1
                _ = setsockopt(
                    socket, Int32(IPPROTO_IP), Self.bindAddressNoPort, &one, socklen_t(MemoryLayout<Int32>.size))
                guard Self.withAddress(source, port: 0, { bind(socket, $0, $1) }) == 0 else {
                    close(socket)
                    throw SwarmError("bind \(source): \(String(cString: strerror(errno)))")
                }
            }
            guard Self.withAddress("127.0.0.1", port: port, { connect(socket, $0, $1) }) == 0 else {
                close(socket)
                throw SwarmError("connect: \(String(cString: strerror(errno)))")
            }
            guard request.withUnsafeBytes({ write(socket, $0.baseAddress, $0.count) }) == request.count else {
                close(socket)
                throw SwarmError("write: \(String(cString: strerror(errno)))")
            }
            _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
            sockets.append(socket)
        }
    }

    deinit { for socket in sockets { close(socket) } }

    /// Takes over another swarm's connections (which it no longer holds).
    func adopt(_ other: EventStreamSwarm) {
        sockets += other.sockets
        tails += other.tails
        other.sockets = []
        other.tails = []
    }

    /// Calls `body` with an IPv4 socket address (for bind or connect).
    private static func withAddress(
        _ host: String, port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32
    ) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    /// `IP_BIND_ADDRESS_NO_PORT` (linux/in.h, Linux 4.2 and later).
    private static let bindAddressNoPort: Int32 = 24

    /// Reads every stream until each has shown `marker` or `timeout` passes; returns, per stream, when it
    /// showed it (monotonic nanoseconds), or nil. With epoll: the cost of a wake-up is that of the streams
    /// ready, not of all of them (poll over 15,000 descriptors would make the load generator the bottleneck).
    func wait(for marker: String, timeout: Duration) -> [UInt64?] {
        let needle = Array(marker.utf8)
        var seen = [UInt64?](repeating: nil, count: sockets.count)
        var remaining = sockets.count
        let epoll = epoll_create1(0)
        defer { close(epoll) }
        for index in sockets.indices {
            var event = epoll_event()
            event.events = EPOLLIN.rawValue
            event.data.u64 = UInt64(index)
            _ = epoll_ctl(epoll, EPOLL_CTL_ADD, sockets[index], &event)
        }
        var events = [epoll_event](repeating: epoll_event(), count: 1_024)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout.components.seconds) * 1_000_000_000
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while remaining > 0, DispatchTime.now().uptimeNanoseconds < deadline {
            let ready = epoll_wait(epoll, &events, Int32(events.count), 100)
            guard ready > 0 else { continue }
            let now = DispatchTime.now().uptimeNanoseconds
            for slot in 0..<Int(ready) {
                let index = Int(events[slot].data.u64)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(sockets[index], $0.baseAddress, $0.count) }
                    guard count > 0 else {
                        // Closed: epoll forgets it from now on.
                        if count == 0 { _ = epoll_ctl(epoll, EPOLL_CTL_DEL, sockets[index], nil) }
                        break
                    }
                    guard seen[index] == nil else { continue }
                    let chunk = tails[index] + buffer[0..<count]
                    if Self.contains(chunk, needle) {
                        seen[index] = now
                        remaining -= 1
                    }
                    tails[index] = Array(chunk.suffix(needle.count - 1))
                }
            }
        }
        return seen
    }

    /// Reads every connection until the server has closed them all or `timeout` passes; returns how many it
    /// closed and when the last of them closed (monotonic nanoseconds).
    func waitUntilClosed(timeout: Duration) -> (closed: Int, last: UInt64) {
        var descriptors = sockets.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var closed = 0
        var last: UInt64 = 0
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout.components.seconds) * 1_000_000_000
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while closed < sockets.count, DispatchTime.now().uptimeNanoseconds < deadline {
            guard poll(&descriptors, nfds_t(descriptors.count), 100) > 0 else { continue }
            for index in descriptors.indices where descriptors[index].revents != 0 {
                descriptors[index].revents = 0
                let count = buffer.withUnsafeMutableBytes { read(sockets[index], $0.baseAddress, $0.count) }
                if count == 0 || (count < 0 && errno != EAGAIN) {
                    descriptors[index].fd = -1
                    closed += 1
                    last = DispatchTime.now().uptimeNanoseconds
                }
            }
        }
        return (closed, last)
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}

struct SwarmError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
