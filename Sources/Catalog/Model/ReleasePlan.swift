import MiniSupport

/// Where a mini-program stands on one host app.
public enum ListingState: String, Sendable, Hashable, Codable {
    /// Approved but not released on this host.
    case unlisted
    /// A gray release is running: some users get the candidate version.
    case gray
    /// Everyone gets the stable version.
    case full
    /// A gray release is paused: its users are back on the stable version.
    case paused
    /// Taken down: shells must close it, delete its code and data.
    case delisted

    /// Released on the host in some form (gray, full or paused): what a delisting can take down.
    public var isListed: Bool { self != .unlisted && self != .delisted }
}

/// A mini-program's listing on one host app: its state and its release plan.
public struct Listing: Sendable, Hashable, Codable {
    public var appId: String
    public var hostId: String
    public var state: ListingState
    public var plan: ReleasePlan
    /// Why it was delisted, when it was.
    public var delistReason: String?
    /// The organisation that delisted it, when it is delisted: the bank's, or the host's own.
    public var delistedBy: String?

    public init(
        appId: String, hostId: String, state: ListingState, plan: ReleasePlan, delistReason: String? = nil,
        delistedBy: String? = nil
    ) {
        self.delistedBy = delistedBy
        self.appId = appId
        self.hostId = hostId
        self.state = state
        self.plan = plan
        self.delistReason = delistReason
    }

    /// The organisation that delisted it: the bank's for a delisting recorded before organisations existed.
    public var delister: String { delistedBy ?? Organisation.bankId }
}

/// Which version of a mini-program each user of a host gets.
///
/// Users outside the gray audience get ``stableVersion`` (none if nil: the mini-program is not listed for
/// them). The gray audience is an Unleash toggle: its strategies decide who is in; its variants, when
/// present, split the gray users between versions (each variant's name is a version).
public struct ReleasePlan: Sendable, Hashable, Codable {
    public var appId: String
    public var hostId: String
    public var stableVersion: SemanticVersion?
    public var gray: GrayRelease?

    public init(appId: String, hostId: String, stableVersion: SemanticVersion?, gray: GrayRelease? = nil) {
        self.appId = appId
        self.hostId = hostId
        self.stableVersion = stableVersion
        self.gray = gray
    }

    /// Every version the plan can hand out: the stable one, the gray one and the variants' (whose names are
    /// versions; a name that is none hands out nothing).
    public var versions: [SemanticVersion] {
        var versions = [stableVersion, gray?.version].compactMap { $0 }
        for variant in gray?.variants ?? [] {
            if let version = SemanticVersion(variant.name) { versions.append(version) }
        }
        return versions
    }

    /// The Unleash toggle that decides the gray audience; its name is `appId`, which is also the bucketing
    /// group, so a user keeps the same bucket while the percentage widens.
    public var grayToggle: FeatureToggle? {
        guard let gray else { return nil }
        return FeatureToggle(
            name: appId, enabled: !gray.paused, strategies: gray.strategies,
            variants: gray.variants, description: "gray release of \(appId) on \(hostId)")
    }
}

/// A running gray release: a candidate version, who gets it, and optionally a split between versions.
public struct GrayRelease: Sendable, Hashable, Codable {
    public var version: SemanticVersion
    public var strategies: [RolloutStrategy]
    /// Optional split of the gray audience between versions: variant names are version numbers.
    public var variants: [FeatureVariant]
    public var paused: Bool

    public init(
        version: SemanticVersion, strategies: [RolloutStrategy], variants: [FeatureVariant] = [], paused: Bool = false
    ) {
        self.version = version
        self.strategies = strategies
        self.variants = variants
        self.paused = paused
    }

    /// A percentage rollout by user id, optionally limited by constraints.
    public static func percentage(
        _ percent: Int, of version: SemanticVersion, groupId: String, constraints: [RolloutConstraint] = []
    ) -> GrayRelease {
        GrayRelease(
            version: version,
            strategies: [
                RolloutStrategy(
                    name: "flexibleRollout",
                    parameters: ["rollout": String(percent), "stickiness": "userId", "groupId": groupId],
                    constraints: constraints)
            ])
    }
}
