import CatalogAPI
import Hummingbird
import Logging
import NIOHTTP1

/// Turns every error into a problem document: Hummingbird's own errors (unknown route, bad method) keep
/// their status with a stable code; anything unexpected becomes a 500 that says nothing internal.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let problem as ProblemError {
            throw problem
        } catch let error as HTTPError {
            switch error.status {
            case .notFound, .methodNotAllowed:
                // A path the API has, asked with another method: 405 and what it does accept.
                let allowed = CatalogAPI.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    var problem = ProblemError(
                        .methodNotAllowed, code: .methodNotAllowed,
                        detail:
                            "\(request.uri.path) does not accept \(request.method); it accepts \(allowed.map(\.rawValue).joined(separator: ", "))"
                    )
                    problem.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                    throw problem
                }
                throw ProblemError(
                    .notFound, code: .noSuchRoute,
                    detail: "there is no \(request.method) \(request.uri.path); docs/PROTOCOL.md lists the routes")
            default:
                throw ProblemError(
                    error.status, code: Self.code(for: error.status), detail: error.body ?? error.status.reasonPhrase)
            }
        } catch let error as DatabaseUnavailable {
            // Lost for now, not broken: the client retries, the replica reconnects by itself.
            context.logger.warning("database unavailable", metadata: ["detail": "\(error.detail)"])
            var problem = ProblemError(.serviceUnavailable, code: .databaseUnavailable, detail: error.detail)
            problem.headers[.retryAfter] = "2"
            throw problem
        } catch let error as HTTPParserError {
            // The body's framing broke while a route read it (a chunk size that is not hexadecimal, …).
            let (status, detail) = ConnectionGuardHandler.describe(error)
            throw ProblemError(status, code: .invalidRequest, detail: detail)
        } catch let error as any HTTPResponseError {
            // Hummingbird's and NIO's own errors (a body too large, …) keep their status.
            throw ProblemError(error.status, code: Self.code(for: error.status), detail: error.status.reasonPhrase)
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            throw ProblemError(
                .internalServerError, code: .internal,
                detail: "the server failed; the operators have the details in its log")
        }
    }

    /// The contract's code for an error the HTTP layer raised itself.
    static func code(for status: HTTPResponse.Status) -> ProblemCode {
        switch status {
        case .contentTooLarge: .bodyTooLarge
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .badRequest: .invalidRequest
        default: status.code >= 500 ? .internal : .invalidRequest
        }
    }
}
