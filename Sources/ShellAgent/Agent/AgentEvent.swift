import Catalog
import Foundation
import MiniKit
import MiniSupport

/// What the agent did, refused or noticed: the headless mode prints one JSON line per event, the UI's QA
/// panel lists them.
public enum AgentEvent: Sendable, Hashable {
    /// This installation enrolled with its host as a device.
    case enrolled(deviceId: String)
    /// A catalog verified and applied.
    case synced(catalogVersion: UInt64, entries: Int, tombstones: Int)
    /// A package downloaded, verified and installed.
    case installed(appId: String, version: SemanticVersion, sha256: String, bytes: Int)
    /// A delisted mini-program closed, its code and data deleted.
    case purged(appId: String, reason: String, sequence: UInt64)
    /// An update refused and not applied: what (`catalog`, `event`, `package`), a stable code, why.
    case refused(what: String, code: String, reason: String)
    /// The catalog expired and cannot be refreshed: launching is refused.
    case expired(launchableUntil: Date)
    /// The server has the shell's state.
    case acknowledged(catalogVersion: UInt64, eventSequence: UInt64, purged: [String])
    /// The server's signing key was rotated: verified statements moved the pin from these keys to those.
    case keyRotated(from: [String], to: [String], rotations: Int)
    /// The event stream is open (after this sequence) or lost (why).
    case connected(after: UInt64)
    case disconnected(reason: String)
    /// The platform has this many complaints and activity records from the outbox.
    case reported(complaints: Int, activity: Int)

    /// The event's name in JSON lines.
    public var name: String {
        switch self {
        case .enrolled: "enrolled"
        case .synced: "synced"
        case .installed: "installed"
        case .purged: "delisted-and-purged"
        case .refused: "refused"
        case .expired: "expired"
        case .acknowledged: "acknowledged"
        case .keyRotated: "key-rotated"
        case .connected: "connected"
        case .disconnected: "disconnected"
        case .reported: "reported"
        }
    }

    /// One JSON object: `{"event": NAME, "at": RFC 3339, …fields}`.
    public func jsonLine(at date: Date) -> String {
        var members: [String: JSONValue] = ["event": .string(name), "at": .string(Timestamp.format(date))]
        switch self {
        case .enrolled(let deviceId):
            members["deviceId"] = .string(deviceId)
        case .synced(let version, let entries, let tombstones):
            members["catalogVersion"] = .number(Double(version))
            members["entries"] = .number(Double(entries))
            members["tombstones"] = .number(Double(tombstones))
        case .installed(let app, let version, let sha, let bytes):
            members["app"] = .string(app)
            members["version"] = .string(version.description)
            members["sha256"] = .string(sha)
            members["bytes"] = .number(Double(bytes))
        case .purged(let app, let reason, let sequence):
            members["app"] = .string(app)
            members["reason"] = .string(reason)
            members["sequence"] = .number(Double(sequence))
        case .refused(let what, let code, let reason):
            members["what"] = .string(what)
            members["code"] = .string(code)
            members["reason"] = .string(reason)
        case .expired(let until):
            members["launchableUntil"] = .string(Timestamp.format(until))
        case .acknowledged(let version, let sequence, let purged):
            members["catalogVersion"] = .number(Double(version))
            members["eventSequence"] = .number(Double(sequence))
            members["purged"] = .array(purged.map(JSONValue.string))
        case .keyRotated(let from, let to, let rotations):
            members["from"] = .array(from.map(JSONValue.string))
            members["to"] = .array(to.map(JSONValue.string))
            members["rotations"] = .number(Double(rotations))
        case .connected(let after):
            members["after"] = .number(Double(after))
        case .disconnected(let reason):
            members["reason"] = .string(reason)
        case .reported(let complaints, let activity):
            members["complaints"] = .number(Double(complaints))
            members["activity"] = .number(Double(activity))
        }
        return JSONValue.object(members).serialized()
    }
}
