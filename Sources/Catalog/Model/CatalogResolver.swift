import Foundation
import MiniSupport

/// Resolves, for one user, which version of each mini-program of a host they get, and why.
///
/// Compiles the host's release plans into one ``GrayEngine`` once; resolving is then pure and fast.
public struct CatalogResolver: Sendable {
    /// The version one user gets of one mini-program.
    public struct Resolution: Sendable, Hashable {
        public var appId: String
        /// nil when the mini-program is not listed for this user.
        public var version: SemanticVersion?
        /// True when the version comes from the gray release.
        public var isGray: Bool

        public init(appId: String, version: SemanticVersion?, isGray: Bool) {
            self.appId = appId
            self.version = version
            self.isGray = isGray
        }
    }

    private let plans: [String: ReleasePlan]
    public let engine: GrayEngine

    public init(plans: [ReleasePlan], segments: [Segment] = [], clock: any CatalogClock = SystemClock()) {
        var byApp: [String: ReleasePlan] = [:]
        for plan in plans { byApp[plan.appId] = plan }
        self.plans = byApp
        self.engine = GrayEngine(
            state: FeatureState(features: plans.compactMap(\.grayToggle), segments: segments),
            clock: { clock.now() })
    }

    /// The version `context` gets of `appId`; nil when the host has no plan for it.
    public func resolve(_ appId: String, context: GrayContext) -> Resolution? {
        guard let plan = plans[appId] else { return nil }
        guard let gray = plan.gray, !gray.paused else { return Self.resolution(plan, gray: nil, variant: nil) }
        // Only a split needs the variant; the plain gray audience needs the faster on/off answer.
        if gray.variants.isEmpty {
            let enabled = engine.isEnabled(appId, context: context)
            return Self.resolution(plan, gray: gray, variant: .disabled(featureEnabled: enabled))
        }
        return Self.resolution(plan, gray: gray, variant: engine.variant(appId, context: context))
    }

    /// The resolution and the engine's explanation of it, from one evaluation (so they always agree).
    public func explain(_ appId: String, context: GrayContext) -> (Resolution, GrayExplanation)? {
        guard let plan = plans[appId] else { return nil }
        guard let gray = plan.gray, !gray.paused else {
            return (Self.resolution(plan, gray: nil, variant: nil), engine.explain(appId, context: context).explanation)
        }
        let decision = engine.explain(appId, context: context)
        return (Self.resolution(plan, gray: gray, variant: decision.variant), decision.explanation)
    }

    /// The version a user gets, given the gray toggle's outcome (`featureEnabled`) and variant.
    private static func resolution(_ plan: ReleasePlan, gray: GrayRelease?, variant: VariantResult?) -> Resolution {
        guard let gray, let variant, variant.featureEnabled else {
            return Resolution(appId: plan.appId, version: plan.stableVersion, isGray: false)
        }
        let version = variant.enabled ? SemanticVersion(variant.name) ?? gray.version : gray.version
        return Resolution(appId: plan.appId, version: version, isGray: version != plan.stableVersion)
    }
}
