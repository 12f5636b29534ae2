/// A loopback or interface address and port that the server listens on, parsed from `HOST:PORT`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host part: an IPv4 address, a bracketed-free IPv6 address, or a host name.
    public var host: String
    /// The TCP port, 0 asks the system for a free one.
    public var port: Int

    /// Creates an address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:8080`, `localhost:0` or `[::1]:8080`.
    public init(parsing text: String) throws(ListenAddressError) {
        var hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ListenAddressError(input: text, problem: "an IPv6 address opened with '[' has no closing ']'")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw ListenAddressError(input: text, problem: "expected ':PORT' after ']'")
            }
            portPart = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw ListenAddressError(input: text, problem: "expected HOST:PORT, for example 127.0.0.1:8080")
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            if hostPart.contains(":") {
                throw ListenAddressError(input: text, problem: "write an IPv6 address in brackets, like [::1]:8080")
            }
        }
        hostPart = hostPart.drop(while: { $0 == " " })
        guard !hostPart.isEmpty else {
            throw ListenAddressError(input: text, problem: "the host is empty")
        }
        guard let port = Int(portPart), (0...65535).contains(port) else {
            throw ListenAddressError(input: text, problem: "the port '\(portPart)' is not a number from 0 to 65535")
        }
        self.host = String(hostPart)
        self.port = port
    }

    /// `HOST:PORT`, with IPv6 hosts in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// A `--listen` value that could not be parsed.
public struct ListenAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the user typed.
    public var input: String
    /// What was wrong with it.
    public var problem: String

    public var description: String { "invalid listen address '\(input)': \(problem)" }
}
