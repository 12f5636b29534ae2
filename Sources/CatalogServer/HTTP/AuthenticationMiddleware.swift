import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import MiniSupport

/// Reads `Authorization: Bearer TOKEN` and puts the token's account (`mct_…`) or enrolled device (`mdt_…`) in
/// the context. A token that is present but unknown is refused at once, and so is a revoked device's; a
/// missing token is refused by routes that need one.
struct AuthenticationMiddleware: RouterMiddleware {
    let store: any CatalogStore
    let cache: CatalogCache
    let clock: any CatalogClock

    func handle(
        _ request: Request, context: CatalogRequestContext,
        next: (Request, CatalogRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer "), header.count < 200 else {
                throw ProblemError(
                    .unauthorized, code: .unauthorized, detail: "the Authorization header must be 'Bearer TOKEN'")
            }
            let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
            if token.hasPrefix(DeviceToken.prefix) {
                context.device = try await device(for: token)
                return try await next(request, context)
            }
            guard let account = try await store.account(forTokenHash: APIToken.hash(token)) else {
                throw ProblemError(.unauthorized, code: .unauthorized, detail: "the token is unknown or revoked")
            }
            context.account = account
        }
        return try await next(request, context)
    }

    /// The device a token names: a hash and a cached lookup, no signature check (a 304 must stay cheap).
    private func device(for token: String) async throws -> Device {
        let now = clock.now()
        guard let device = try await cache.device(forToken: token, store: store, now: now) else {
            throw ProblemError(
                .unauthorized, code: .unknownDevice,
                detail: "the device token is unknown (the device enrolled again, or the server forgot it): enrol again")
        }
        if let revoked = device.revokedAt {
            throw ProblemError(
                .forbidden, code: .deviceRevoked,
                detail:
                    "device '\(device.id)' was revoked at \(Timestamp.format(revoked)): \(device.revokeReason ?? "no reason given")"
            )
        }
        await cache.seen(device, store: store, now: now)
        return device
    }
}

/// Reading query parameters the list endpoints share.
enum RequestQuery {
    /// `limit`: 1 to 1000, 100 when absent.
    static func limit(_ text: String?) throws -> Int {
        guard let text else { return 100 }
        guard let limit = Int(text), (1...1000).contains(limit) else {
            throw ProblemError(.badRequest, code: .invalidQuery, detail: "limit is 1 to 1000, not '\(text.prefix(20))'")
        }
        return limit
    }
}

/// Reading JSON request bodies with a size limit and JSON-path errors.
enum RequestBody {
    /// The largest JSON body the API reads.
    static let maximumJSONSize = 256 * 1024

    static func json(_ request: inout Request, limit: Int = maximumJSONSize) async throws -> JSONCursor {
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw ProblemError(.contentTooLarge, code: .bodyTooLarge, detail: "the body is over \(limit / 1024) KiB")
        }
        do {
            return JSONCursor(try JSONValue.parse(Data(buffer.readableBytesView)))
        } catch {
            throw ProblemError(.badRequest, code: .invalidBody, detail: error.description)
        }
    }

    /// Runs a reader over the body, turning JSON-path errors into 400 problems.
    static func read<T>(_ cursor: JSONCursor, _ reader: (JSONCursor) throws(JSONPathError) -> T) throws -> T {
        do {
            return try reader(cursor)
        } catch {
            throw ProblemError(.badRequest, code: .invalidBody, detail: error.description)
        }
    }
}
