import ArgumentParser
import Catalog
import CatalogAPI
import Foundation
import MiniSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Where the platform is and who is calling: flags, then MINICTL_SERVER / MINICTL_TOKEN, then the file
/// `minictl login` wrote (~/.config/minictl/config.json, mode 0600).
struct PlatformOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The catalogd URL, such as http://127.0.0.1:8080.", valueName: "URL"))
    var server: String?

    @Option(help: ArgumentHelp("An API token (catalogd account create prints one).", valueName: "TOKEN"))
    var token: String?

    @Flag(help: "Print the server's JSON answer instead of text.")
    var json = false

    static var configFile: URL {
        let base =
            ProcessInfo.processInfo.environment["XDG_CONFIG_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
        return base.appendingPathComponent("minictl/config.json")
    }

    func client() throws -> PlatformClient {
        let environment = ProcessInfo.processInfo.environment
        var saved: [String: String] = [:]
        if let data = try? Data(contentsOf: Self.configFile),
            let decoded = try? JSONDecoder().decode([String: String].self, from: data)
        {
            saved = decoded
        }
        guard let server = server ?? environment["MINICTL_SERVER"] ?? saved["server"], let url = URL(string: server),
            url.scheme != nil
        else {
            throw CommandFailure("no server: run 'minictl login --server URL --token TOKEN', or pass --server")
        }
        return PlatformClient(base: url, token: token ?? environment["MINICTL_TOKEN"] ?? saved["token"])
    }
}

/// A small synchronous HTTP client for the management API; problem documents become `CommandFailure`s.
struct PlatformClient {
    var base: URL
    var token: String?

    /// Calls an endpoint of the contract with its path parameters and query, and returns the JSON answer; with
    /// `progress`, the body's upload is drawn as a bar.
    func call(
        _ endpoint: Endpoint, _ parameters: [String: String] = [:], query: [(name: String, value: String)] = [],
        json body: JSONValue? = nil, data: Data? = nil, contentType: String? = nil, progress: ProgressBar? = nil
    ) async throws -> JSONValue {
        // The contract encodes every parameter; the base keeps any prefix a proxy serves the API under.
        let root = base.absoluteString.hasSuffix("/") ? String(base.absoluteString.dropLast()) : base.absoluteString
        guard let url = URL(string: root + endpoint.path(parameters, query: query)) else {
            throw CommandFailure("'\(base)' does not make a URL with \(endpoint.path)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = endpoint.method.rawValue
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.serialized().utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let data {
            request.httpBody = data
            request.setValue(contentType ?? "application/octet-stream", forHTTPHeaderField: "Content-Type")
        }
        let outcome: Result<(Data, Int), any Error>
        if let data, progress != nil {
            request.httpBody = nil
            outcome = await UploadDelegate(bar: progress).run(request, body: data)
        } else {
            do {
                let (data, response) = try await URLSession.shared.data(for: request)
                outcome = .success((data, (response as? HTTPURLResponse)?.statusCode ?? 0))
            } catch {
                outcome = .failure(error)
            }
        }
        let (data, status): (Data, Int)
        switch outcome {
        case .success(let value): (data, status) = value
        case .failure(let error):
            throw CommandFailure("cannot reach \(base.absoluteString): \(error.localizedDescription)")
        }
        let value = data.isEmpty ? JSONValue.object([:]) : ((try? JSONValue.parse(data)) ?? .object([:]))
        guard (200..<300).contains(status) else {
            let cursor = JSONCursor(value)
            let detail = (try? cursor.require("detail").string()) ?? "HTTP \(status)"
            let code = (try? cursor.require("code").string()) ?? "http-\(status)"
            throw CommandFailure("\(detail) [\(code)]")
        }
        return value
    }
}

/// Prints JSON for scripts, or text for people.
func emit(_ value: JSONValue, json: Bool, text: () -> String) {
    print(json ? value.serialized() : text())
}
