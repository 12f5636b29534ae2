import MiniSupport

/// One HTTP operation of the platform: its method and path, who may call it, what it takes and answers.
/// Written once here; the server's router, its OpenAPI document, `minictl` and the shell's agent all use it.
public struct Endpoint: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable {
        case get = "GET"
        case post = "POST"
    }

    /// The credential an operation takes.
    public enum Auth: String, Sendable, Hashable {
        case none
        /// An account's API token: `Authorization: Bearer mct_…`.
        case bearer
        /// A host app's key: `X-Host-Key: mhk_…`. It only enrols devices.
        case hostKey
        /// An enrolled device's token, for everything a shell does: `Authorization: Bearer mdt_…`.
        case device
        /// An account's or a device's token.
        case either
        /// An enrolled device's token and a user assertion signed by the host's backend:
        /// `Authorization: Bearer mdt_…` and `Minicatalog-User-Assertion: …`.
        case deviceAndUser
    }

    /// A query parameter, with a name pattern for families such as `p.NAME`.
    public struct Query: Sendable, Hashable {
        public var name: String
        public var required: Bool
        public var description: String
        /// A `{NAME}` suffix stands for any name: `p.{NAME}` is a family of parameters.
        public var isFamily: Bool { name.hasSuffix("{NAME}") }
    }

    public var method: Method
    /// The path, with `{name}` for each path parameter: `/v1/hosts/{hostId}/catalog`.
    public var path: String
    public var summary: String
    public var auth: Auth
    public var query: [Query]
    /// The request body's media type and, for JSON, the name of its schema in the document.
    public var body: (mediaType: String, schema: String?)?
    /// The status of a success.
    public var success: Int
    /// The success answer's media type and, for JSON, the name of its schema.
    public var answer: (mediaType: String, schema: String?)?

    public init(
        _ method: Method, _ path: String, _ summary: String, auth: Auth, query: [Query] = [],
        body: (mediaType: String, schema: String?)? = nil, success: Int = 200,
        answer: (mediaType: String, schema: String?)? = ("application/json", nil)
    ) {
        self.method = method
        self.path = path
        self.summary = summary
        self.auth = auth
        self.query = query
        self.body = body
        self.success = success
        self.answer = answer
    }

    /// The names of the path parameters, in order.
    public var pathParameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }

    /// The path with every parameter filled in and percent-encoded, and the query (in the given order):
    /// `/v1/hosts/mbank/catalog?user=u-1&p.region=shanghai`. A parameter without a value stays empty.
    public func path(_ parameters: [String: String], query: [(name: String, value: String)] = []) -> String {
        var text = ""
        for segment in path.split(separator: "/") {
            text += "/"
            if segment.hasPrefix("{") {
                text += URLText.encode(parameters[String(segment.dropFirst().dropLast())] ?? "")
            } else {
                text += segment
            }
        }
        guard !query.isEmpty else { return text }
        return text + "?"
            + query.map { "\(URLText.encode($0.name))=\(URLText.encode($0.value))" }.joined(separator: "&")
    }

    /// True when a request path (without its query) is this endpoint's path, parameters matching any segment.
    public func matches(path requested: String) -> Bool {
        let want = path.split(separator: "/", omittingEmptySubsequences: false)
        let have = requested.split(separator: "/", omittingEmptySubsequences: false)
        guard want.count == have.count else { return false }
        return zip(want, have).allSatisfy { $0.hasPrefix("{") ? !$1.isEmpty : $0 == $1 }
    }

    public static func == (lhs: Endpoint, rhs: Endpoint) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(path)
    }
}
