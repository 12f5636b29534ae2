#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// IP addresses as text: what `--trusted-proxy` and a balancer's `X-Real-IP` may say.
public enum IPAddressText {
    /// True for an IPv4 or IPv6 address in its usual text form (nothing else: no port, no name, no zone).
    public static func isValid(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 45 else { return false }
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
