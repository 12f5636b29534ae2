import Foundation
import MiniSupport

/// A committed change other replicas must know of at once: what the PostgreSQL store notifies, in the
/// committing transaction, so it is delivered only on commit and in commit order.
public enum StoreChange: Sendable, Hashable {
    /// A listing change of a host committed its catalog event (with the event as signed at commit, when it fits
    /// in a notification).
    case event(hostId: String, sequence: UInt64, seal: EventSeal?)
    /// A host app's key, activity or user trust changed.
    case host(hostId: String)
    /// A device was revoked or enrolled again (its old token stops working).
    case device(deviceId: String)
    /// A replica started with the successor of the replicas' signing key: those still signing with the retired
    /// one stop serving.
    case signingKey(keyId: String)

    /// PostgreSQL refuses notifications of 8,000 bytes or more: larger events travel without their envelope,
    /// and each replica reads them from the database.
    public static let maximumPayload = 7_900

    /// The notification's text: a small JSON object.
    public var payload: String {
        var object: [String: JSONValue]
        switch self {
        case .event(let hostId, let sequence, let seal):
            object = ["change": .string("event"), "host": .string(hostId), "sequence": .number(Double(sequence))]
            if let seal {
                object["signedBy"] = .string(seal.keyId)
                object["envelope"] = .string(seal.envelope)
            }
            let text = JSONValue.object(object).serialized()
            if text.utf8.count <= Self.maximumPayload || seal == nil { return text }
            return StoreChange.event(hostId: hostId, sequence: sequence, seal: nil).payload
        case .host(let hostId):
            object = ["change": .string("host"), "host": .string(hostId)]
        case .device(let deviceId):
            object = ["change": .string("device"), "device": .string(deviceId)]
        case .signingKey(let keyId):
            object = ["change": .string("signing-key"), "keyid": .string(keyId)]
        }
        return JSONValue.object(object).serialized()
    }

    /// Reads a notification's text; throws for anything this replica does not understand (a newer replica's
    /// change), which the follower treats as "read everything again".
    public init(payload: String) throws(JSONPathError) {
        let cursor = JSONCursor(try JSONValue.parse(Data(payload.utf8)))
        switch try cursor.require("change").string() {
        case "event":
            try cursor.onlyFields(["change", "host", "sequence", "signedBy", "envelope"])
            let sequence = try cursor.require("sequence").int()
            guard sequence > 0 else { throw try cursor.require("sequence").error("an event sequence starts at 1") }
            let keyId = try cursor.field("signedBy")?.string()
            let envelope = try cursor.field("envelope")?.string()
            guard (keyId == nil) == (envelope == nil) else {
                throw cursor.error("signedBy and envelope come together")
            }
            self = .event(
                hostId: try cursor.require("host").string(), sequence: UInt64(sequence),
                seal: EventSeal(keyId: keyId, envelope: envelope))
        case "host":
            try cursor.onlyFields(["change", "host"])
            self = .host(hostId: try cursor.require("host").string())
        case "device":
            try cursor.onlyFields(["change", "device"])
            self = .device(deviceId: try cursor.require("device").string())
        case "signing-key":
            try cursor.onlyFields(["change", "keyid"])
            self = .signingKey(keyId: try cursor.require("keyid").string())
        case let other:
            throw try cursor.require("change").error("unknown change '\(other.prefix(40))'")
        }
    }
}

/// What a replica's start made of the replicas' signing key, recorded in the shared database.
public enum SigningKeyClaim: Sendable, Equatable {
    /// No replica had started: this replica's key is now the replicas' key.
    case claimed
    /// The replicas' key is this replica's.
    case same
    /// The replicas' key was retired in favour of this replica's (its rotations say so): this one is now the
    /// replicas' key, and replicas still signing with the retired one stop serving.
    case rolledForward(from: String)
    /// The replicas sign with another key that this replica's rotations never retired: this replica must not
    /// serve (its shells would refuse half of what they receive).
    case refused(current: String)
}

/// A replica signs with a key other than the replicas' key (see ``SigningKeyClaim``): it stops serving.
public struct SigningKeySuperseded: Error, Sendable, CustomStringConvertible {
    public var own: String
    public var current: String

    public init(own: String, current: String) {
        self.own = own
        self.current = current
    }

    public var description: String {
        "this replica signs with key \(own), the replicas now sign with \(current): copy DATA/keys from a replica that has it and start again"
    }
}

/// Where a replica hears of the changes every replica commits (PostgreSQL's LISTEN; the embedded SQLite store
/// has one process and needs none).
public protocol StoreChangeFeed: Sendable {
    /// Runs until cancelled. Calls `resync` each time it starts listening (the first time and after every lost
    /// connection), once nothing can be missed any more: what was committed before must then be read from the
    /// store. Calls `change` for each notification, in commit order.
    func follow(
        resync: @escaping @Sendable () async -> Void, change: @escaping @Sendable (StoreChange) async -> Void
    ) async
}
