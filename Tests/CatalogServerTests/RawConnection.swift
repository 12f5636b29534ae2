import CatalogTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to a test server, for what an HTTP client will not send: half a request, a
/// garbage request line, a broken chunked body. Sends are small and return at once; waits for the server run
/// off the concurrency threads (the server under test needs them to answer).
final class RawConnection: Sendable {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED)
        }
    }

    deinit { close(descriptor) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// Everything the server sends until it closes the connection or `seconds` pass.
    func readAll(seconds: Double = 10) async throws -> String {
        try await offload { self.readAllBlocking(seconds: seconds) }
    }

    /// True once the server has closed the connection (within `seconds`), false if it is still open then.
    func closedByServer(within seconds: Double) async throws -> Bool {
        try await offload { self.closedByServerBlocking(within: seconds) }
    }

    private func readAllBlocking(seconds: Double) -> String {
        var data: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        while let chunk = read(until: deadline), !chunk.isEmpty { data += chunk }
        return String(decoding: data, as: UTF8.self)
    }

    private func closedByServerBlocking(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while let chunk = read(until: deadline) {
            if chunk.isEmpty { return true }
        }
        return false
    }

    /// The next bytes; empty at end of stream (or a reset); nil when the deadline passed first.
    private func read(until deadline: Date) -> [UInt8]? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let wait = max(0, Int32(deadline.timeIntervalSinceNow * 1000))
        guard poll(&poller, 1, wait) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(buffer[0..<count]) : []
    }
}
