import Foundation

/// One HTTP request as the agent makes it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: Data?
    /// The whole exchange must finish within this (a stream: the connection must be made within it).
    public var timeout: Duration
    /// Larger answers are cut off and fail with ``TransportError/tooLarge(_:)``.
    public var maximumResponseSize: Int

    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: Data? = nil,
        timeout: Duration = .seconds(10), maximumResponseSize: Int = 4 << 20
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maximumResponseSize = maximumResponseSize
    }
}

/// An HTTP answer: status, headers (names in lowercase), body.
public struct HTTPReply: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why a request did not produce an answer.
public enum TransportError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The server could not be reached, or the connection broke (the transport's own message).
    case unreachable(String)
    case timedOut
    /// The answer was larger than the request allowed.
    case tooLarge(Int)
    /// A stream was answered with something other than 200.
    case status(Int, String)
    case cancelled

    public var description: String {
        switch self {
        case .unreachable(let message): "cannot reach the server: \(message)"
        case .timedOut: "the server did not answer in time"
        case .tooLarge(let limit): "the answer is larger than \(limit) bytes"
        case .status(let code, let body): "the server answered \(code)\(body.isEmpty ? "" : ": \(body)")"
        case .cancelled: "cancelled"
        }
    }
}

/// The network as the agent sees it: the seam between the sync logic and libcurl (or a test double).
public protocol CatalogTransport: Sendable {
    /// Sends a request and waits for the whole answer.
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPReply
    /// Opens a long-lived stream (server-sent events) and yields its body as it arrives. The stream fails with
    /// ``TransportError/status(_:_:)`` when the server answers other than 200; ending the iteration closes it.
    func stream(_ request: HTTPRequest) -> AsyncThrowingStream<Data, any Error>
}
