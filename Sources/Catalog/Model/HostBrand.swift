/// How a host app presents itself to its customers: the title its screens carry, an accent colour and the
/// customer's word for "services". Part of the signed catalog, so a shell shows the brand its host chose and
/// nobody on the path can dress one host up as another.
public struct HostBrand: Sendable, Hashable, Codable {
    /// The palette a terminal can draw: the title bar takes the accent.
    public enum Accent: String, Sendable, Hashable, Codable, CaseIterable {
        case blue, green, red, magenta, cyan, yellow
    }

    public static let maximumTitle = 30
    public static let maximumServices = 24

    /// "Metro Pay".
    public var title: String
    public var titleZh: String?
    public var accent: Accent
    /// What the customer calls the service centre: "Services", "Mini apps", "City services".
    public var services: String
    public var servicesZh: String?

    public init(title: String, titleZh: String? = nil, accent: Accent, services: String, servicesZh: String? = nil) {
        self.title = title
        self.titleZh = titleZh
        self.accent = accent
        self.services = services
        self.servicesZh = servicesZh
    }
}
