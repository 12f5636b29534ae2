import Catalog

extension CatalogStore {
    /// The mini-program with this id, or a 404 problem.
    func requireMiniProgram(_ id: String) async throws -> Catalog.MiniProgram {
        guard let program = try await miniProgram(id: id) else {
            throw ProblemError.notFound("no mini-program '\(id)'")
        }
        return program
    }
}
