import ArgumentParser
import Foundation

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
final class UploadDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var received = Data()
    private var status = 0
    private var failure: (any Error)?
    private var lastPercent = -1
    private let bar: ProgressBar?
    private let done = DispatchSemaphore(value: 0)

    init(bar: ProgressBar?) { self.bar = bar }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didSendBodyData bytesSent: Int64, totalBytesSent: Int64,
        totalBytesExpectedToSend: Int64
    ) {
        guard let bar else { return }
        let total = max(totalBytesExpectedToSend, totalBytesSent)
        let percent = total > 0 ? Int(totalBytesSent * 100 / total) : 100
        lock.lock()
        defer { lock.unlock() }
        guard percent != lastPercent else { return }
        lastPercent = percent
        FileHandle.standardError.write(Data("\r\(bar.frame(sent: totalBytesSent, total: total))".utf8))
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        lock.lock()
        status = (response as? HTTPURLResponse)?.statusCode ?? 0
        lock.unlock()
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        if received.count < 4 << 20 { received.append(data) }
        lock.unlock()
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.lock()
        failure = error
        if bar != nil, lastPercent >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
        lock.unlock()
        done.signal()
    }

    /// Runs the upload and waits for the answer.
    func run(_ request: URLRequest, body: Data) -> Result<(Data, Int), any Error> {
        let session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        session.uploadTask(with: request, from: body).resume()
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        if let failure { return .failure(failure) }
        return .success((received, status))
    }
}
extension ProgressMode: ExpressibleByArgument {}
