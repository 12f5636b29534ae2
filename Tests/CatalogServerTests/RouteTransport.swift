import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// How the route tests reach the platform. Suites build `URLRequest`s against the base URL `withServer` gives
/// them and send them here. Inside `HealthRouteTests.withServer` a request goes through the router in-process
/// (HummingbirdTesting's router client: no socket, no port); inside `withLiveServer` it goes over loopback with
/// URLSession, for the few tests that are about the HTTP server itself.
enum RouteTransport {
    /// The router client of the test running now, when it runs in-process.
    @TaskLocal static var router: (any TestClientProtocol)?

    /// Where the test running now keeps every answer it got, when it wants to look at them all afterwards.
    @TaskLocal static var recorder: AnswerRecorder?

    /// A base URL for in-process tests: only its path and query reach the router.
    static let inProcessBase = URL(string: "http://router.test")!

    struct Reply {
        var data: Data
        var status: Int
        /// Header names lowercased.
        var headers: [String: String]
    }

    static func send(_ request: URLRequest) async throws -> Reply {
        guard let router else {
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = response as? HTTPURLResponse
            var headers: [String: String] = [:]
            for (key, value) in http?.allHeaderFields ?? [:] { headers["\(key)".lowercased()] = "\(value)" }
            return Reply(data: data, status: http?.statusCode ?? 0, headers: headers)
        }
        let url = try #require(request.url)
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        var uri = components?.percentEncodedPath ?? url.path
        if let query = components?.percentEncodedQuery { uri += "?" + query }
        var fields = HTTPFields()
        for (name, value) in request.allHTTPHeaderFields ?? [:] {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        let method = try #require(HTTPRequest.Method(request.httpMethod ?? "GET"))
        let response = try await router.executeRequest(
            uri: uri, method: method, headers: fields, body: request.httpBody.map { ByteBuffer(bytes: $0) })
        var headers: [String: String] = [:]
        for field in response.headers { headers[field.name.canonicalName] = field.value }
        let reply = Reply(data: Data(response.body.readableBytesView), status: response.status.code, headers: headers)
        recorder?.record(method: method.rawValue, path: components?.path ?? url.path, reply: reply)
        return reply
    }
}

/// The answers a test got, by method and path.
final class AnswerRecorder: Sendable {
    struct Answer: Sendable {
        var method: String
        var path: String
        var reply: RouteTransport.Reply
    }

    private let answers = Mutex<[Answer]>([])

    var all: [Answer] { answers.withLock { $0 } }

    func record(method: String, path: String, reply: RouteTransport.Reply) {
        answers.withLock { $0.append(Answer(method: method, path: path, reply: reply)) }
    }
}
