import Catalog
import CatalogAPI
import Foundation
import MiniSupport

/// A seed file read and checked, ready to apply: nothing of it is written yet.
public struct SeedPlan: Sendable {
    /// A mini-program of the seed, packed from its folder and checked.
    struct App: Sendable {
        var program: Catalog.MiniProgram
        var version: MiniProgramVersion
        var package: Data
        var report: String
        var releases: [ListingRequest]
        var offers: [Offer] = []
    }

    /// An offer of the seed: the host, and what its organisation decided.
    struct Offer: Sendable {
        enum Decision: String, Sendable { case accept, decline, pending }
        var host: String
        var decision: Decision
        var reason: String?

        init(json: JSONCursor) throws(JSONPathError) {
            try json.onlyFields(["host", "decision", "reason"])
            host = try json.requireName("host")
            let cursor = try json.require("decision")
            guard let decision = Decision(rawValue: try cursor.string()) else {
                throw cursor.error("accept, decline or pending")
            }
            self.decision = decision
            reason = try json.field("reason")?.reasonText()
        }
    }

    public let file: URL
    var organisations: [Organisation] = []
    var hosts: [HostApp] = []
    var partners: [(id: String, name: String)] = []
    var accounts: [Account] = []
    /// The ids of the seed's accounts and host apps, in the file's order.
    public var accountIds: [String] { accounts.map(\.id) }
    public var hostIds: [String] { hosts.map(\.id) }
    var segments: [(name: String, constraints: [RolloutConstraint])] = []
    var apps: [App] = []
}

/// A seed file that cannot be loaded.
public struct SeedError: Error, CustomStringConvertible {
    public var description: String
    /// What was created before a write failed (nil when the file was refused before anything was written).
    public var created: Seeder.Report?
    init(_ description: String, created: Seeder.Report? = nil) {
        self.description = description
        self.created = created
    }
}
