import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import MiniKit
import MiniSupport

/// An API error that renders itself as an RFC 9457 problem document with a stable code:
/// `{"type": "https://minicatalog.dev/problems/CODE", "title", "status", "detail", "code"}`.
public struct ProblemError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    /// Stable, for scripts: `not-found`, `unauthorized`, `forbidden`, `conflict`, `invalid-body`, ….
    public let code: String
    public let detail: String
    /// Headers the answer carries besides the problem (`Allow` on a 405).
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: ProblemCode, detail: String) {
        self.status = status
        self.code = code.rawValue
        self.detail = detail
    }

    /// 429 `rate-limited`: too many of `what`; `Retry-After` says when one more is allowed.
    public static func rateLimited(_ what: String, retryAfter wait: TimeInterval) -> ProblemError {
        let seconds = Int(wait.rounded(.up))
        var problem = ProblemError(
            .tooManyRequests, code: .rateLimited, detail: "too many \(what); try again in \(seconds) s")
        problem.headers[.retryAfter] = String(seconds)
        return problem
    }

    public static func notFound(_ detail: String) -> ProblemError {
        ProblemError(.notFound, code: .notFound, detail: detail)
    }

    /// The problem document.
    public var document: JSONValue {
        .object([
            "type": .string("https://minicatalog.dev/problems/\(code)"), "title": .string(status.reasonPhrase),
            "status": .number(Double(status.code)), "detail": .string(detail), "code": .string(code),
        ])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSONResponse.make(document, status: status, contentType: "application/problem+json")
        for field in headers { response.headers.append(field) }
        return response
    }
}

/// JSON responses from ``JSONValue``s: sorted keys, so equal values give equal bytes (and ETags).
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok, contentType: String = "application/json")
        -> Response
    {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        let bytes = Array((value.serialized() + "\n").utf8)
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
