import Foundation
import MiniSupport

/// A set of toggles and segments: what the engine evaluates.
///
/// Built from a full Unleash state (`{"features": […], "segments": […]}`), from the delta API's event form
/// (`{"events": [{"type": "hydration", …}, {"type": "feature-updated", …}, …]}`), or in code.
public struct FeatureState: Sendable, Hashable {
    /// Toggles in document order.
    public private(set) var features: [FeatureToggle]
    public private(set) var segments: [Int: Segment]
    private var index: [String: Int]

    public init(features: [FeatureToggle] = [], segments: [Segment] = []) {
        self.features = []
        self.segments = [:]
        self.index = [:]
        for feature in features { upsert(feature) }
        for segment in segments { self.segments[segment.id] = segment }
    }

    /// The toggle with this name.
    public subscript(name: String) -> FeatureToggle? {
        index[name].map { features[$0] }
    }

    /// Adds a toggle or replaces the one with the same name.
    public mutating func upsert(_ feature: FeatureToggle) {
        if let position = index[feature.name] {
            features[position] = feature
        } else {
            index[feature.name] = features.count
            features.append(feature)
        }
    }

    /// Removes the toggle with this name, if present.
    public mutating func remove(feature name: String) {
        guard let position = index.removeValue(forKey: name) else { return }
        features.remove(at: position)
        for (key, value) in index where value > position { index[key] = value - 1 }
    }

    /// Applies one delta-API event.
    public mutating func apply(_ event: FeatureDeltaEvent) {
        switch event.change {
        case .hydration(let features, let segments):
            self = FeatureState(features: features, segments: segments)
        case .featureUpdated(let feature): upsert(feature)
        case .featureRemoved(let name): remove(feature: name)
        case .segmentUpdated(let segment): segments[segment.id] = segment
        case .segmentRemoved(let id): segments[id] = nil
        }
    }

    /// Reads a features document, in full-state or event form, naming the JSON path of any problem.
    public init(json: JSONCursor) throws(JSONPathError) {
        self.init()
        if let events = try json.field("events") {
            if try json.field("features") != nil {
                throw json.error("a document has either 'features' (full state) or 'events' (delta form), not both")
            }
            for item in try events.array() { apply(try FeatureDeltaEvent(json: item)) }
            return
        }
        guard let features = try json.field("features") else {
            throw json.error("expected 'features' (full state) or 'events' (delta form)")
        }
        var firstSeen: [String: String] = [:]
        for item in try features.array() {
            let feature = try FeatureToggle(json: item)
            if let first = firstSeen[feature.name] {
                throw item.error("duplicate toggle name '\(feature.name)' (first defined at \(first))")
            }
            firstSeen[feature.name] = item.path
            upsert(feature)
        }
        for item in try json.arrayField("segments") {
            let segment = try Segment(json: item)
            segments[segment.id] = segment
        }
    }

    /// Parses a features document from bytes.
    public static func parse(_ data: Data) throws(JSONPathError) -> FeatureState {
        try FeatureState(json: JSONCursor(try JSONValue.parse(data)))
    }

    /// The state in full-state JSON form.
    public var jsonValue: JSONValue {
        .object([
            "version": .number(1),
            "features": .array(features.map(\.jsonValue)),
            "segments": .array(segments.keys.sorted().map { segments[$0]!.jsonValue }),
        ])
    }
}

/// One event of Unleash's delta API.
public struct FeatureDeltaEvent: Sendable, Hashable {
    public enum Change: Sendable, Hashable {
        case hydration(features: [FeatureToggle], segments: [Segment])
        case featureUpdated(FeatureToggle)
        case featureRemoved(String)
        case segmentUpdated(Segment)
        case segmentRemoved(Int)
    }

    public var eventId: Int?
    public var change: Change

    public init(eventId: Int? = nil, change: Change) {
        self.eventId = eventId
        self.change = change
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        eventId = try json.field("eventId")?.intOrText()
        let typeCursor = try json.require("type")
        switch try typeCursor.string() {
        case "hydration":
            var features: [FeatureToggle] = []
            for item in try json.arrayField("features") { features.append(try FeatureToggle(json: item)) }
            var segments: [Segment] = []
            for item in try json.arrayField("segments") { segments.append(try Segment(json: item)) }
            change = .hydration(features: features, segments: segments)
        case "feature-updated": change = .featureUpdated(try FeatureToggle(json: try json.require("feature")))
        case "feature-removed": change = .featureRemoved(try json.require("featureName").string())
        case "segment-updated": change = .segmentUpdated(try Segment(json: try json.require("segment")))
        case "segment-removed": change = .segmentRemoved(try json.require("segmentId").intOrText())
        case let other:
            throw typeCursor.error(
                "unknown event type '\(other)' (expected hydration, feature-updated, feature-removed, "
                    + "segment-updated or segment-removed)")
        }
    }
}
