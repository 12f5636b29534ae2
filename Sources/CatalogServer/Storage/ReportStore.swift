import Catalog
import CatalogAPI
import Foundation

/// What shells report about mini-programs: customers' complaints and their containers' sensitive or refused
/// bridge calls. One aggregate of ``CatalogStore``, which both engines implement.
public protocol ReportStore: Sendable {
    /// Records a device's batch; an item the device sent before (same id) is skipped. Returns how many were new.
    func saveReports(_ reports: DeviceReports, hostId: String, deviceId: String, receivedAt: Date) async throws -> Int
    /// Complaints, newest first: about one mini-program, or all; on the given hosts, or all.
    func complaints(appId: String?, hostIds: Set<String>?, limit: Int) async throws -> [StoredComplaint]
    /// How many complaints a mini-program has, per host app.
    func complaintCounts(appId: String) async throws -> [String: Int]
    /// A mini-program's reported calls summed per host, kind, name and outcome.
    func activityTotals(appId: String) async throws -> [ActivityTotal]
    /// A mini-program's newest refused calls, newest first.
    func latestRefusals(appId: String, hostId: String?, limit: Int) async throws -> [StoredActivity]
}

/// A complaint as the platform keeps it: which host's device sent it, and when it arrived.
public struct StoredComplaint: Sendable, Hashable {
    public var hostId: String
    public var deviceId: String
    public var complaint: DeviceReports.Complaint
    public var receivedAt: Date

    public init(hostId: String, deviceId: String, complaint: DeviceReports.Complaint, receivedAt: Date) {
        self.hostId = hostId
        self.deviceId = deviceId
        self.complaint = complaint
        self.receivedAt = receivedAt
    }
}

/// An activity record as the platform keeps it.
public struct StoredActivity: Sendable, Hashable {
    public var hostId: String
    public var deviceId: String
    public var activity: DeviceReports.Activity

    public init(hostId: String, deviceId: String, activity: DeviceReports.Activity) {
        self.hostId = hostId
        self.deviceId = deviceId
        self.activity = activity
    }
}

/// Reported calls of one kind and outcome on one host: how many, and the latest.
public struct ActivityTotal: Sendable, Hashable {
    public var hostId: String
    public var kind: DeviceReports.Activity.Kind
    public var name: String
    public var outcome: String
    public var count: Int
    public var last: Date

    public init(
        hostId: String, kind: DeviceReports.Activity.Kind, name: String, outcome: String, count: Int, last: Date
    ) {
        self.hostId = hostId
        self.kind = kind
        self.name = name
        self.outcome = outcome
        self.count = count
        self.last = last
    }
}

extension ReportStore {
    /// The newest complaints first, of one mini-program or of all, on every host.
    public func complaints(appId: String?, limit: Int) async throws -> [StoredComplaint] {
        try await complaints(appId: appId, hostIds: nil, limit: limit)
    }

    /// A mini-program's latest refused calls, newest first, on every host.
    public func latestRefusals(appId: String, limit: Int) async throws -> [StoredActivity] {
        try await latestRefusals(appId: appId, hostId: nil, limit: limit)
    }
}
