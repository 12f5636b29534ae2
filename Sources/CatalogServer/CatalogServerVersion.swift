import Catalog

/// The version string `catalogd --version` prints.
public enum CatalogServerVersion {
    /// The server's version and the wire format it speaks.
    public static let current = "0.1.0 (catalog wire format v\(WireFormat.version))"
}
