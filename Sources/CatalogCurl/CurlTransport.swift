import CCurl
import Foundation
import ShellAgent

/// The agent's network over libcurl: every request and stream of the process runs on one curl multi handle
/// driven by one thread, so ten thousand open event streams cost ten thousand sockets, not threads.
public final class CurlTransport: CatalogTransport, @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var incoming: [CurlTransfer] = []
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var stopped = false
    private var thread: Thread?

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Starts the transport's thread.
    public init() {
        _ = Self.globalInit
        multi = curl_multi_init()!
        // Reuse connections to the server; keep up to this many idle ones.
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 64)
        // The thread keeps the transport alive until `shutdown()`.
        let thread = Thread { self.loop() }
        thread.name = "curl-transport"
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    /// Stops the thread; open transfers fail with ``TransportError/cancelled``.
    public func shutdown() {
        lock.withLock { stopped = true }
        curl_multi_wakeup(multi)
    }

    deinit { curl_multi_cleanup(multi) }

    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPReply {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<HTTPReply, TransportError>, Never>) in
            let transfer = CurlTransfer(request: request, mode: .buffered(continuation))
            submit(transfer)
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
            curl_multi_wakeup(self.multi)
        }
        submit(transfer)
        return stream
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
            curl_multi_wakeup(multi)
        }
    }

    private func loop() {
        var running: Int32 = 0
        while true {
            let (added, stop) = lock.withLock { () -> ([CurlTransfer], Bool) in
                defer { incoming.removeAll() }
                return (incoming, stopped)
            }
            for transfer in added {
                guard let easy = transfer.prepare() else {
                    transfer.finish(.failure(.unreachable("libcurl could not start a transfer")))
                    continue
                }
                active[easy] = transfer
                curl_multi_add_handle(multi, easy)
            }
            if stop {
                for (easy, transfer) in active {
                    curl_multi_remove_handle(multi, easy)
                    transfer.finish(.failure(.cancelled))
                }
                active.removeAll()
                return
            }
            for (easy, transfer) in active where transfer.isCancelled {
                curl_multi_remove_handle(multi, easy)
                active[easy] = nil
                transfer.finish(.failure(.cancelled))
            }
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, easy)
                guard let transfer = active.removeValue(forKey: easy) else { continue }
                transfer.complete(code)
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
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
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
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
