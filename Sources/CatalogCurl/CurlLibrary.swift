import CCurl

/// Facts about the libcurl this binary is linked against.
public enum CurlLibrary {
    /// The version banner of the linked libcurl, for example `libcurl/7.88.1 OpenSSL/3.0.15 …`.
    public static var versionDescription: String {
        guard let banner = curl_version() else { return "libcurl (unknown version)" }
        return String(cString: banner)
    }
}
