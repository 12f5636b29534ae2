import Catalog
import CatalogAPI

extension CatalogStore {
    /// Creates or replaces a host app without an audit entry (set-up and tests).
    public func saveHostApp(_ host: HostApp) async throws { try await saveHostApp(host, audit: nil) }

    /// The mini-program with this id, or a 404 problem.
    func requireMiniProgram(_ id: String) async throws -> Catalog.MiniProgram {
        guard let program = try await miniProgram(id: id) else {
            throw ProblemError.notFound("no mini-program '\(id)'")
        }
        return program
    }

    /// Segment ids by name, for the segments a release request names (read only when it names some).
    func segmentIds(for request: ListingRequest) async throws -> [String: Int] {
        guard !request.segments.isEmpty else { return [:] }
        return Dictionary(
            try await segments().compactMap { segment in segment.name.map { ($0, segment.id) } },
            uniquingKeysWith: { first, _ in first })
    }
}
