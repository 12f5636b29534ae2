import CCurl
import Foundation
import MiniSupport
import ShellAgent

/// The agent's network over libcurl: every request and stream of the process runs on one curl multi handle
/// driven by one thread through curl's multi-socket interface and an epoll set, so ten thousand open event
/// streams cost ten thousand sockets, not threads, and a burst of events costs work only for the sockets
/// that have data (the plain multi interface walks every transfer and polls every socket on each turn).
public final class CurlTransport: CatalogTransport, @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var incoming: [CurlTransfer] = []
    /// Transfers whose reader went away, to remove on the next turn.
    private var cancelled: [CurlTransfer] = []
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var stopped = false
    /// The epoll set of curl's sockets, and an eventfd in it that wakes the thread for new work.
    private let pollSet: Int32
    private let wakeUp: Int32
    /// When curl wants to be called for its timeouts (monotonic milliseconds; nil: no timer).
    private var deadline: UInt64?
    private var watched = Set<Int32>()

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Starts the transport's thread.
    public init() {
        _ = Self.globalInit
        multi = curl_multi_init()!
        pollSet = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeUp = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        _ = ccurl_epoll_watch(pollSet, wakeUp, 1, 0, 0)
        // Reuse connections to the server; keep up to this many idle ones.
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 64)
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = ccurl_multi_setopt_socket_function(multi, CurlTransport.onSocket)
        _ = ccurl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context)
        _ = ccurl_multi_setopt_timer_function(multi, CurlTransport.onTimer)
        _ = ccurl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context)
        // The thread keeps the transport alive until `shutdown()`.
        let thread = Thread { self.loop() }
        thread.name = "curl-transport"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Stops the thread; open transfers fail with ``TransportError/cancelled``.
    public func shutdown() {
        lock.withLock { stopped = true }
        wake()
    }

    deinit {
        curl_multi_cleanup(multi)
        close(pollSet)
        close(wakeUp)
    }

    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPReply {
        // Cancelling the calling task cancels the transfer (a stopping shell does not wait for downloads).
        let holder = TransferHolder()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<HTTPReply, TransportError>, Never>) in
                let transfer = CurlTransfer(request: request, mode: .buffered(continuation))
                holder.transfer = transfer
                if Task.isCancelled {
                    transfer.finish(.failure(.cancelled))
                } else {
                    submit(transfer)
                }
            }
        } onCancel: {
            guard let transfer = holder.transfer else { return }
            transfer.cancel()
            lock.withLock { cancelled.append(transfer) }
            wake()
        }
        return try result.get()
    }

    public func stream(_ request: HTTPRequest) -> AsyncThrowingStream<Data, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: Data.self, throwing: (any Error).self, bufferingPolicy: .bufferingOldest(256))
        let transfer = CurlTransfer(request: request, mode: .streaming(continuation))
        continuation.onTermination = { [weak self, weak transfer] _ in
            guard let self, let transfer else { return }
            transfer.cancel()
            self.lock.withLock { self.cancelled.append(transfer) }
            self.wake()
        }
        submit(transfer)
        return stream
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeUp, &one, 8)
    }

    private func submit(_ transfer: CurlTransfer) {
        let refused = lock.withLock { () -> Bool in
            guard !stopped else { return true }
            incoming.append(transfer)
            return false
        }
        if refused {
            transfer.finish(.failure(.cancelled))
        } else {
            wake()
        }
    }

    // curl asks to watch a socket for reading, writing, both, or no more.
    private static let onSocket: ccurl_socket_callback = { _, socket, what, context, _ in
        guard let context else { return 0 }
        let transport = Unmanaged<CurlTransport>.fromOpaque(context).takeUnretainedValue()
        transport.watch(socket, what)
        return 0
    }

    // curl asks to be called after `milliseconds` (-1: cancel the timer).
    private static let onTimer: ccurl_timer_callback = { _, milliseconds, context in
        guard let context else { return 0 }
        let transport = Unmanaged<CurlTransport>.fromOpaque(context).takeUnretainedValue()
        transport.deadline = milliseconds < 0 ? nil : CurlTransport.nowMilliseconds() + UInt64(milliseconds)
        return 0
    }

    private func watch(_ socket: Int32, _ what: Int32) {
        if what == CURL_POLL_REMOVE {
            if watched.remove(socket) != nil { _ = ccurl_epoll_unwatch(pollSet, socket) }
            return
        }
        let readable: Int32 = what == CURL_POLL_IN || what == CURL_POLL_INOUT ? 1 : 0
        let writable: Int32 = what == CURL_POLL_OUT || what == CURL_POLL_INOUT ? 1 : 0
        let known = watched.contains(socket)
        // A descriptor can be reused by a new socket behind curl's back: fall back to the other operation.
        if ccurl_epoll_watch(pollSet, socket, readable, writable, known ? 1 : 0) != 0 {
            _ = ccurl_epoll_watch(pollSet, socket, readable, writable, known ? 0 : 1)
        }
        watched.insert(socket)
    }

    private func loop() {
        var running: Int32 = 0
        var descriptors = [Int32](repeating: 0, count: 512)
        var masks = [Int32](repeating: 0, count: 512)
        while true {
            let (added, dropped, stop) = lock.withLock { () -> ([CurlTransfer], [CurlTransfer], Bool) in
                defer {
                    incoming.removeAll()
                    cancelled.removeAll()
                }
                return (incoming, cancelled, stopped)
            }
            for transfer in added {
                guard let easy = transfer.prepare() else {
                    transfer.finish(.failure(.unreachable("libcurl could not start a transfer")))
                    continue
                }
                guard curl_multi_add_handle(multi, easy) == CURLM_OK else {
                    transfer.finish(.failure(.unreachable("libcurl could not add the transfer")))
                    continue
                }
                active[easy] = transfer
            }
            if stop {
                for (easy, transfer) in active {
                    curl_multi_remove_handle(multi, easy)
                    transfer.finish(.failure(.cancelled))
                }
                active.removeAll()
                return
            }
            for transfer in dropped {
                guard let easy = transfer.handle, active[easy] != nil else { continue }
                curl_multi_remove_handle(multi, easy)
                active[easy] = nil
                transfer.finish(.failure(.cancelled))
            }
            fireTimer(&running)
            collectFinished()
            let wait = deadline.map { Int(min(1000, $0 &- min($0, Self.nowMilliseconds()))) } ?? 1000
            let ready = ccurl_epoll_wait(pollSet, &descriptors, &masks, 512, Int32(wait))
            for index in 0..<max(0, Int(ready)) {
                if descriptors[index] == wakeUp {
                    var value: UInt64 = 0
                    _ = read(wakeUp, &value, 8)
                    continue
                }
                curl_multi_socket_action(multi, descriptors[index], masks[index], &running)
            }
            fireTimer(&running)
            collectFinished()
        }
    }

    /// Lets curl run its timeouts when their moment has come (busy sockets must not starve them).
    private func fireTimer(_ running: inout Int32) {
        guard let due = deadline, Self.nowMilliseconds() >= due else { return }
        deadline = nil
        curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running)
    }

    private static func nowMilliseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1_000_000 }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(multi, easy)
            guard let transfer = active.removeValue(forKey: easy) else { continue }
            transfer.complete(code)
        }
    }
}

/// Hands the transfer to the cancellation handler.
final class TransferHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var value: CurlTransfer?
    var transfer: CurlTransfer? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// One transfer: its easy handle, what it collects, and whom it answers.
final class CurlTransfer: @unchecked Sendable {
    enum Mode {
        case buffered(CheckedContinuation<Result<HTTPReply, TransportError>, Never>)
        case streaming(AsyncThrowingStream<Data, any Error>.Continuation)
    }

    let request: HTTPRequest
    let mode: Mode
    private var easy: UnsafeMutableRawPointer?
    /// The easy handle, once prepared (only the transport's thread touches it).
    var handle: UnsafeMutableRawPointer? { easy }
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var body = Data()
    private var headers: [String: String] = [:]
    private var headerBytes = 0
    private var overLimit = false
    private var streamRefused = false
    private var finished = false
    private let lock = NSLock()
    private var cancelled = false

    init(request: HTTPRequest, mode: Mode) {
        self.request = request
        self.mode = mode
    }

    deinit {
        if let easy { curl_easy_cleanup(easy) }
        if let headerList { curl_slist_free_all(headerList) }
    }

    var isCancelled: Bool { lock.withLock { cancelled } }
    func cancel() { lock.withLock { cancelled = true } }

    /// Creates and configures the easy handle.
    func prepare() -> UnsafeMutableRawPointer? {
        guard let handle = curl_easy_init() else { return nil }
        easy = handle
        _ = ccurl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(5_000, Self.milliseconds(request.timeout)))
        _ = ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        switch mode {
        case .buffered:
            _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        case .streaming:
            // A stream lives as long as the server keeps it; heartbeats every 10 s keep it above this floor.
            _ = ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
            _ = ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, 35)
        }
        if request.method == "POST" {
            _ = ccurl_setopt_long(handle, CURLOPT_POST, 1)
            let payload = request.body ?? Data()
            _ = ccurl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(payload.count))
            if payload.isEmpty {
                _ = ccurl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                payload.withUnsafeBytes { bytes in
                    _ = ccurl_setopt_pointer(
                        handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress!))
                }
            }
        } else if request.method != "GET" {
            _ = ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        }
        for (name, value) in request.headers {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        if request.method == "POST" { headerList = curl_slist_append(headerList, "Expect:") }
        if let headerList { _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = ccurl_setopt_write_function(handle, CurlTransfer.onBody)
        _ = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = ccurl_setopt_header_function(handle, CurlTransfer.onHeader)
        _ = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
        return handle
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }

    private var status: Int {
        var code = 0
        if let easy { _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code) }
        return code
    }

    private static let onBody: ccurl_data_callback = { data, size, count, context in
        guard let context, let data else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.received(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
    }

    private static let onHeader: ccurl_data_callback = { data, size, count, context in
        guard let context, let data else { return 0 }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
        return transfer.header(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
    }

    private func header(_ bytes: UnsafeRawBufferPointer) -> Bool {
        headerBytes += bytes.count
        guard headerBytes <= 32 * 1024 else { return false }
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") { headers.removeAll() }  // a new response (after 100 Continue, say)
        guard let colon = line.firstIndex(of: ":") else { return true }
        let name = line[..<colon].lowercased()
        let value = URLText.trimmed(line[line.index(after: colon)...])
        headers[name] = value
        return true
    }

    /// Body bytes arrived (on the transport's thread); false aborts the transfer.
    private func received(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if isCancelled { return false }
        switch mode {
        case .streaming(let continuation) where status == 200:
            if case .dropped = continuation.yield(Data(bytes)) {
                streamRefused = true  // the reader fell far behind: drop the stream, it will reconnect
                return false
            }
            return true
        default:
            guard body.count + bytes.count <= request.maximumResponseSize else {
                overLimit = true
                return false
            }
            body.append(contentsOf: bytes)
            return true
        }
    }

    /// The transfer ended with `code`.
    func complete(_ code: CURLcode) {
        let status = self.status
        switch code {
        case CURLE_OK:
            if case .streaming = mode, status != 200 {
                finish(.failure(.status(status, String(decoding: body.prefix(500), as: UTF8.self))))
            } else if case .streaming = mode {
                finish(.failure(.unreachable("the server closed the stream")))
            } else {
                finish(.success(HTTPReply(status: status, headers: headers, body: body)))
            }
        case CURLE_WRITE_ERROR where overLimit:
            finish(.failure(.tooLarge(request.maximumResponseSize)))
        case CURLE_WRITE_ERROR where isCancelled:
            finish(.failure(.cancelled))
        case CURLE_WRITE_ERROR where streamRefused:
            finish(.failure(.unreachable("the stream's reader fell behind")))
        case CURLE_OPERATION_TIMEDOUT:
            finish(.failure(.timedOut))
        default:
            finish(.failure(.unreachable(String(cString: curl_easy_strerror(code)))))
        }
    }

    func finish(_ result: Result<HTTPReply, TransportError>) {
        let first = lock.withLock { () -> Bool in
            defer { finished = true }
            return !finished
        }
        guard first else { return }
        switch mode {
        case .buffered(let continuation): continuation.resume(returning: result)
        case .streaming(let continuation):
            switch result {
            case .success: continuation.finish()
            case .failure(let error): continuation.finish(throwing: error)
            }
        }
    }
}
