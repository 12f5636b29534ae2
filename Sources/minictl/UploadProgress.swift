import ArgumentParser
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A progress bar for uploads, redrawn in place on standard error.
struct ProgressBar {
    var label: String
    var width = 30

    /// One frame: `label [#####-----]  45%  88.6 of 197.0 KiB`.
    func frame(sent: Int64, total: Int64) -> String {
        let fraction = total > 0 ? min(1, max(0, Double(sent) / Double(total))) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = Int((fraction * 100).rounded(.down))
        return "\(label) [\(bar)] \(String(repeating: " ", count: 3 - String(percent).count))\(percent)%  "
            + "\(Self.kibibytes(sent)) of \(Self.kibibytes(total)) KiB"
    }

    static func kibibytes(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1024) }
}

/// When to draw the bar: on a terminal (`auto`), always, or never.
enum ProgressMode: String, CaseIterable {
    case auto, always, never

    var enabled: Bool {
        switch self {
        case .auto: isatty(STDERR_FILENO) == 1
        case .always: true
        case .never: false
        }
    }
}

/// Sends a request body and reports the bytes sent; collects the answer.
final class UploadDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private struct State {
        var received = Data()
        var status = 0
        var lastPercent = -1
        var finished: CheckedContinuation<Result<(Data, Int), any Error>, Never>?
    }

    private let state = Mutex(State())
    private let bar: ProgressBar?

    init(bar: ProgressBar?) { self.bar = bar }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didSendBodyData bytesSent: Int64, totalBytesSent: Int64,
        totalBytesExpectedToSend: Int64
    ) {
        guard let bar else { return }
        let total = max(totalBytesExpectedToSend, totalBytesSent)
        let percent = total > 0 ? Int(totalBytesSent * 100 / total) : 100
        let changed = state.withLock { state in
            defer { state.lastPercent = percent }
            return percent != state.lastPercent
        }
        if changed { FileHandle.standardError.write(Data("\r\(bar.frame(sent: totalBytesSent, total: total))".utf8)) }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        state.withLock { $0.status = (response as? HTTPURLResponse)?.statusCode ?? 0 }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        state.withLock { state in
            if state.received.count < 4 << 20 { state.received.append(data) }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, result, drew) = state.withLock { state in
            defer { state.finished = nil }
            let result: Result<(Data, Int), any Error> =
                error.map { .failure($0) } ?? .success((state.received, state.status))
            return (state.finished, result, state.lastPercent >= 0)
        }
        if bar != nil, drew { FileHandle.standardError.write(Data("\n".utf8)) }
        continuation?.resume(returning: result)
    }

    /// Runs the upload and waits for the answer.
    func run(_ request: URLRequest, body: Data) async -> Result<(Data, Int), any Error> {
        let session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        return await withCheckedContinuation { continuation in
            state.withLock { $0.finished = continuation }
            session.uploadTask(with: request, from: body).resume()
        }
    }
}

extension ProgressMode: ExpressibleByArgument {}
