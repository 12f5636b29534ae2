import Foundation

/// nginx serving one file, the yardstick of catalog revalidations: the same signed catalog bytes as a static
/// file, answered 304 by ETag.
final class StaticNginx {
    /// As many workers as the machine has cores, as catalogd has threads.
    static let workers = ProcessInfo.processInfo.activeProcessorCount
    let url: String
    private let folder: URL

    init(serving body: Data) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("static-nginx-\(UUID().uuidString)")
        let root = folder.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try body.write(to: root.appendingPathComponent("catalog.json"))
        chmod(folder.path, 0o755)
        chmod(root.path, 0o755)
        chmod(root.appendingPathComponent("catalog.json").path, 0o644)
        var lastError = ""
        for _ in 0..<5 {
            let port = Int.random(in: 20_000...60_000)
            let configuration = """
                worker_processes \(Self.workers);
                pid \(folder.path)/nginx.pid;
                error_log \(folder.path)/error.log warn;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path \(folder.path)/body;
                  proxy_temp_path \(folder.path)/proxy;
                  fastcgi_temp_path \(folder.path)/fastcgi;
                  uwsgi_temp_path \(folder.path)/uwsgi;
                  scgi_temp_path \(folder.path)/scgi;
                  server {
                    listen 127.0.0.1:\(port);
                    root \(root.path);
                    default_type application/json;
                  }
                }
                """
            try Data(configuration.utf8).write(to: folder.appendingPathComponent("nginx.conf"))
            if system(
                "/usr/sbin/nginx -p '\(folder.path)' -c '\(folder.path)/nginx.conf' -e '\(folder.path)/error.log' 2>>'\(folder.path)/start.log'"
            ) == 0 {
                url = "http://127.0.0.1:\(port)/catalog.json"
                return
            }
            lastError = (try? String(contentsOf: folder.appendingPathComponent("start.log"), encoding: .utf8)) ?? ""
        }
        throw SwarmError("nginx did not start: \(lastError.suffix(300))")
    }

    func stop() {
        if let pid = try? String(contentsOf: folder.appendingPathComponent("nginx.pid"), encoding: .utf8) {
            kill(Int32(pid.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, SIGTERM)
        }
        Thread.sleep(forTimeInterval: 0.3)
        try? FileManager.default.removeItem(at: folder)
    }
}
