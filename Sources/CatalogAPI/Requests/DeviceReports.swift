import Catalog
import Foundation
import MiniSupport

/// `POST /v1/hosts/{hostId}/reports` (schema `DeviceReports`): what a shell tells the platform about the
/// mini-programs on it — customers' complaints, and the sensitive or refused bridge calls its containers saw.
/// Sent as the device (its token), in batches the shell keeps until the server answers; each item has an id
/// the shell chose, so a batch sent twice is counted once. Nothing personal beyond the opaque ids, except a
/// complaint's text, which the customer wrote to be read.
public struct DeviceReports: JSONRepresentable, Sendable, Hashable {
    public static let fields: Set<String> = ["complaints", "activity"]
    /// The most items of each kind in one batch.
    public static let maximumComplaints = 20
    public static let maximumActivity = 200

    public var complaints: [Complaint]
    public var activity: [Activity]

    public init(complaints: [Complaint] = [], activity: [Activity] = []) {
        self.complaints = complaints
        self.activity = activity
    }

    public var isEmpty: Bool { complaints.isEmpty && activity.isEmpty }

    /// A customer's complaint about a mini-program.
    public struct Complaint: Sendable, Hashable {
        /// Why, as the shell's complaint form offers it.
        public enum Reason: String, Sendable, Hashable, CaseIterable {
            case misleading, fraud, privacy, payment, broken, other
        }

        public static let fields: Set<String> = ["id", "appId", "version", "reason", "text", "at"]
        public static let maximumText = 500

        public var id: String
        public var appId: String
        public var version: SemanticVersion?
        public var reason: Reason
        /// What the customer added; may be empty.
        public var text: String
        public var at: Date

        public init(id: String, appId: String, version: SemanticVersion?, reason: Reason, text: String, at: Date) {
            self.id = id
            self.appId = appId
            self.version = version
            self.reason = reason
            self.text = text
            self.at = at
        }
    }

    /// Bridge calls of one kind and outcome in one mini-program version, counted over a span of time.
    public struct Activity: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            /// A sensitive scope (`phoneNumber`), or a refused call of any scope.
            case scope
            /// A network request's host, when refused.
            case domain
        }

        public static let fields: Set<String> = [
            "id", "appId", "version", "kind", "name", "outcome", "count", "first", "last",
        ]
        public static let maximumCount = 100_000

        public var id: String
        public var appId: String
        public var version: SemanticVersion?
        public var kind: Kind
        /// The scope, or the domain.
        public var name: String
        /// `allowed`, or the refusal's code (`consent-denied`, `domain-not-allowed`, …).
        public var outcome: String
        public var count: Int
        public var first: Date
        public var last: Date

        public init(
            id: String, appId: String, version: SemanticVersion?, kind: Kind, name: String, outcome: String,
            count: Int, first: Date, last: Date
        ) {
            self.id = id
            self.appId = appId
            self.version = version
            self.kind = kind
            self.name = name
            self.outcome = outcome
            self.count = count
            self.first = first
            self.last = last
        }

        public var isRefusal: Bool { outcome != "allowed" }
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
        let complaints = try json.field("complaints")?.array() ?? []
        let activity = try json.field("activity")?.array() ?? []
        guard complaints.count <= Self.maximumComplaints else {
            throw try json.require("complaints").error("at most \(Self.maximumComplaints) complaints in one batch")
        }
        guard activity.count <= Self.maximumActivity else {
            throw try json.require("activity").error("at most \(Self.maximumActivity) activity records in one batch")
        }
        self.init(
            complaints: try complaints.map { item throws(JSONPathError) in
                try item.onlyFields(Complaint.fields)
                let reasonCursor = try item.require("reason")
                let reasonName = try reasonCursor.string()
                guard let reason = Complaint.Reason(rawValue: reasonName) else {
                    throw reasonCursor.error(
                        "a reason is one of \(Complaint.Reason.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let textCursor = try item.require("text")
                let text = try textCursor.string()
                guard text.count <= Complaint.maximumText else {
                    throw textCursor.error("at most \(Complaint.maximumText) characters")
                }
                return Complaint(
                    id: try Self.id(item), appId: try item.requireName("appId"),
                    version: try item.field("version")?.semanticVersion(), reason: reason, text: text,
                    at: try Self.date(item, "at"))
            },
            activity: try activity.map { item throws(JSONPathError) in
                try item.onlyFields(Activity.fields)
                let kindCursor = try item.require("kind")
                guard let kind = Activity.Kind(rawValue: try kindCursor.string()) else {
                    throw kindCursor.error("a kind is scope or domain")
                }
                let countCursor = try item.require("count")
                let count = try countCursor.int()
                guard (1...Activity.maximumCount).contains(count) else {
                    throw countCursor.error("a count is 1 to \(Activity.maximumCount)")
                }
                let first = try Self.date(item, "first")
                let last = try Self.date(item, "last")
                guard first <= last else { throw try item.require("last").error("'last' is before 'first'") }
                return Activity(
                    id: try Self.id(item), appId: try item.requireName("appId"),
                    version: try item.field("version")?.semanticVersion(), kind: kind,
                    name: try item.requireText("name", maximum: 253),
                    outcome: try item.requireText("outcome", maximum: 40),
                    count: count, first: first, last: last)
            })
    }

    /// An item's id: 8 to 64 letters, digits and '-' (a UUID fits).
    private static func id(_ item: JSONCursor) throws(JSONPathError) -> String {
        let cursor = try item.require("id")
        let text = try cursor.string()
        guard (8...64).contains(text.count),
            text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else { throw cursor.error("an id is 8 to 64 letters, digits and '-'") }
        return text
    }

    private static func date(_ item: JSONCursor, _ key: String) throws(JSONPathError) -> Date {
        let cursor = try item.require(key)
        guard let date = Timestamp.parse(try cursor.string()) else {
            throw cursor.error("a time such as 2026-12-06T10:00:00Z")
        }
        return date
    }

    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [:]
        if !complaints.isEmpty {
            members["complaints"] = .array(
                complaints.map { complaint in
                    var item: [String: JSONValue] = [
                        "id": .string(complaint.id), "appId": .string(complaint.appId),
                        "reason": .string(complaint.reason.rawValue), "text": .string(complaint.text),
                        "at": .string(Timestamp.format(complaint.at)),
                    ]
                    if let version = complaint.version { item["version"] = .string(version.description) }
                    return .object(item)
                })
        }
        if !activity.isEmpty {
            members["activity"] = .array(
                activity.map { record in
                    var item: [String: JSONValue] = [
                        "id": .string(record.id), "appId": .string(record.appId), "kind": .string(record.kind.rawValue),
                        "name": .string(record.name), "outcome": .string(record.outcome),
                        "count": .number(Double(record.count)), "first": .string(Timestamp.format(record.first)),
                        "last": .string(Timestamp.format(record.last)),
                    ]
                    if let version = record.version { item["version"] = .string(version.description) }
                    return .object(item)
                })
        }
        return .object(members)
    }
}
