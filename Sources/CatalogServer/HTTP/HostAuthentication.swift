import CatalogAPI
import Foundation
import HTTPTypes
import Hummingbird

/// The shells' credential: the host key in `X-Host-Key`, checked through the ``CatalogCache``.
enum HostAuthentication {
    static let header = HTTPField.Name("X-Host-Key")!

    /// The host the request's key belongs to, or nil when there is no such key.
    ///
    /// A deactivated host's key still works: its shells must keep syncing to receive the tombstones that
    /// deactivation produced.
    static func host(of request: Request, cache: CatalogCache, store: any CatalogStore, now: Date) async throws
        -> String?
    {
        guard let key = request.headers[header], key.count < 200 else { return nil }
        return try await cache.host(forKey: key, store: store, now: now)
    }

    /// Refuses the request (401) unless it carries the key of host app `hostId`.
    static func require(_ request: Request, hostId: String, cache: CatalogCache, store: any CatalogStore, now: Date)
        async throws
    {
        guard request.headers[header] != nil else {
            throw ProblemError(.unauthorized, code: .unauthorized, detail: "shells send their host key in X-Host-Key")
        }
        guard try await host(of: request, cache: cache, store: store, now: now) == hostId else {
            throw ProblemError(
                .unauthorized, code: .unauthorized,
                detail: "the host key is not the current key of host app '\(hostId)'")
        }
    }
}
