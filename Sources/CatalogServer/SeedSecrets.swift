import Foundation

/// The API tokens and host keys a seed creates, written to `DATA/seed-secrets.json` (mode 0600, flushed)
/// before any row that needs them is committed. The store keeps only their hashes, so this file is what lets
/// a seed run cut off at any point (a kill, a full disk) lose no secret: the next run with the seed finds
/// them here, finishes the rows and shows them again. The file goes once a complete run's secrets were shown.
struct SeedSecrets: Codable, Equatable {
    /// Host id → host key.
    var hostKeys: [String: String] = [:]
    /// Account id → API token.
    var accountTokens: [String: String] = [:]

    var isEmpty: Bool { hostKeys.isEmpty && accountTokens.isEmpty }

    /// The secrets in `file`; none when there is no file.
    static func load(from file: URL) throws -> SeedSecrets {
        guard FileManager.default.fileExists(atPath: file.path) else { return SeedSecrets() }
        do {
            return try JSONDecoder().decode(SeedSecrets.self, from: Data(contentsOf: file))
        } catch {
            throw SeedError(
                "\(file.path) cannot be read (\(error)); it holds the secrets of an unfinished seed run: repair or remove it"
            )
        }
    }

    /// Writes the file whole or not at all: a temporary file created 0600, flushed, renamed, the folder flushed.
    func save(to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(self)
        let folder = file.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw Self.failure("cannot create \(temporary.path)") }
        let written = data.withUnsafeBytes { buffer in
            buffer.baseAddress.map { write(descriptor, $0, buffer.count) } ?? 0
        }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0, rename(temporary.path, file.path) == 0 else {
            let failure = Self.failure("cannot write \(file.path)")
            unlink(temporary.path)
            throw failure
        }
        let directory = open(folder.path, O_RDONLY | O_DIRECTORY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    private static func failure(_ what: String) -> SeedError {
        SeedError("\(what): \(String(cString: strerror(errno)))")
    }
}
