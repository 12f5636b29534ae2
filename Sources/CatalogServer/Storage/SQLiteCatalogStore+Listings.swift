import Catalog
import Foundation
import GRDB
import MiniKit
import MiniSupport

/// Listings, catalog versions and events, delistings, and the segments gray releases name.
extension SQLiteCatalogStore {
    public func events(hostId: String, after: UInt64, limit: Int) async throws -> [StoredEvent] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM event WHERE host_id = ? AND sequence > ? ORDER BY sequence LIMIT ?",
                arguments: [hostId, Int64(clamping: after), max(0, limit)]
            ).map { row in
                StoredEvent(
                    hostId: row["host_id"], sequence: UInt64(row["sequence"] as Int64),
                    catalogVersion: UInt64(row["catalog_version"] as Int64),
                    kind: try row.decoded(CatalogEvent.Kind.self, "kind", table: "event"), appId: row["app_id"],
                    version: try row.version("version", table: "event"), reason: row["reason"],
                    at: Date(timeIntervalSince1970: row["at"]),
                    seal: EventSeal(keyId: row["signed_by"], envelope: row["envelope"]))
            }
        }
    }

    public func delistings(hostId: String) async throws -> [Tombstone] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT event.* FROM event JOIN listing ON listing.app_id = event.app_id AND listing.host_id = event.host_id
                    WHERE event.host_id = ? AND event.kind = 'delisted' AND listing.state = 'delisted'
                      AND event.sequence = (SELECT MAX(sequence) FROM event AS later
                                            WHERE later.host_id = event.host_id AND later.app_id = event.app_id AND later.kind = 'delisted')
                    ORDER BY event.app_id
                    """, arguments: [hostId]
            ).map { row in
                Tombstone(
                    appId: row["app_id"], delistedAt: Date(timeIntervalSince1970: row["at"]),
                    reason: row["reason"] ?? "",
                    sequence: UInt64(row["sequence"] as Int64))
            }
        }
    }

    public func listings(appId: String) async throws -> [Listing] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM listing WHERE app_id = ? ORDER BY host_id", arguments: [appId])
                .map(Self.listing)
        }
    }

    public func listings(hostId: String) async throws -> [Listing] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM listing WHERE host_id = ? ORDER BY app_id", arguments: [hostId])
                .map(Self.listing)
        }
    }

    public func commit(
        _ listing: Listing, event: CatalogEvent.Kind, version: SemanticVersion?, reason: String?, at: Date,
        audit: AuditEntry?, expected: Listing?, requireActiveHost: Bool, seal: EventSealer?,
        accepting: OfferAcceptance?
    ) async throws -> StoredEvent {
        let plan = String(decoding: try WireFormat.encoder().encode(listing.plan), as: UTF8.self)
        return try await pool.write { db in
            let stored = try Row.fetchOne(
                db, sql: "SELECT * FROM listing WHERE app_id = ? AND host_id = ?",
                arguments: [listing.appId, listing.hostId]
            ).map(Self.listing)
            guard stored == expected else { throw ListingChanged.meanwhile(listing, now: stored) }
            // The last word on what may be listed: in the same transaction as the listing itself.
            if listing.state.isListed {
                for version in listing.plan.versions {
                    let state = try String.fetchOne(
                        db, sql: "SELECT review_state FROM version WHERE app_id = ? AND version = ?",
                        arguments: [listing.appId, version.description])
                    guard state == MiniProgramVersion.ReviewState.approved.rawValue else {
                        throw VersionNotApproved(
                            appId: listing.appId, version: version,
                            state: state.flatMap(MiniProgramVersion.ReviewState.init(rawValue:)))
                    }
                }
            }
            if let accepting {
                try db.execute(
                    sql: """
                        UPDATE offer SET state = 'accepted', decided_by = ?, decided_at = ?, reason = ?
                        WHERE app_id = ? AND host_id = ? AND version = ? AND state = 'pending'
                        """,
                    arguments: [
                        accepting.by, accepting.at.timeIntervalSince1970, accepting.reason, listing.appId,
                        listing.hostId, accepting.version.description,
                    ])
                guard db.changesCount > 0 else {
                    throw OfferNotPending(appId: listing.appId, hostId: listing.hostId)
                }
            }
            // An external organisation's host lists only what it accepted, whichever path the change took.
            let organisation = try String.fetchOne(
                db, sql: "SELECT organisation FROM host_app WHERE id = ?", arguments: [listing.hostId])
            if listing.state.isListed, let organisation, organisation != Organisation.bankId {
                for version in listing.plan.versions {
                    let accepted = try Int.fetchOne(
                        db,
                        sql: """
                            SELECT 1 FROM offer WHERE app_id = ? AND host_id = ? AND version = ? AND state = 'accepted'
                            """,
                        arguments: [listing.appId, listing.hostId, version.description])
                    guard accepted != nil else {
                        throw VersionNotAccepted(appId: listing.appId, hostId: listing.hostId, version: version)
                    }
                }
            }
            if requireActiveHost {
                let active = try Bool.fetchOne(
                    db, sql: "SELECT active FROM host_app WHERE id = ?", arguments: [listing.hostId])
                guard active == true else { throw ListingChanged.inactiveHost(listing.hostId) }
            }
            try db.execute(
                sql: """
                    INSERT INTO listing (app_id, host_id, state, plan, delist_reason, delisted_by)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(app_id, host_id) DO UPDATE SET state = excluded.state, plan = excluded.plan,
                      delist_reason = excluded.delist_reason, delisted_by = excluded.delisted_by
                    """,
                arguments: [
                    listing.appId, listing.hostId, listing.state.rawValue, plan, listing.delistReason,
                    listing.delistedBy,
                ])
            let current = try Row.fetchOne(
                db, sql: "SELECT * FROM host_state WHERE host_id = ?", arguments: [listing.hostId])
            let catalogVersion = (current.map { $0["catalog_version"] as Int64 } ?? 0) + 1
            let sequence = (current.map { $0["event_sequence"] as Int64 } ?? 0) + 1
            try db.execute(
                sql: """
                    INSERT INTO host_state (host_id, catalog_version, event_sequence) VALUES (?, ?, ?)
                    ON CONFLICT(host_id) DO UPDATE SET catalog_version = excluded.catalog_version, event_sequence = excluded.event_sequence
                    """,
                arguments: [listing.hostId, catalogVersion, sequence])
            var committed = StoredEvent(
                hostId: listing.hostId, sequence: UInt64(sequence), catalogVersion: UInt64(catalogVersion), kind: event,
                appId: listing.appId, version: version, reason: reason, at: at)
            committed.seal = try seal?(committed)
            try db.execute(
                sql: """
                    INSERT INTO event (host_id, sequence, catalog_version, kind, app_id, version, reason, at, signed_by, envelope)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    listing.hostId, sequence, catalogVersion, event.rawValue, listing.appId, version?.description,
                    reason, at.timeIntervalSince1970, committed.seal?.keyId, committed.seal?.envelope,
                ])
            if let audit { try Self.insert(audit, db) }
            return committed
        }
    }

    public func hostState(_ hostId: String) async throws -> (catalogVersion: UInt64, eventSequence: UInt64) {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM host_state WHERE host_id = ?", arguments: [hostId])
            else { return (0, 0) }
            return (UInt64(row["catalog_version"] as Int64), UInt64(row["event_sequence"] as Int64))
        }
    }

    static func listing(_ row: Row) throws -> Listing {
        Listing(
            appId: row["app_id"], hostId: row["host_id"],
            state: try row.decoded(ListingState.self, "state", table: "listing"),
            plan: try WireFormat.decoder().decode(ReleasePlan.self, from: Data((row["plan"] as String).utf8)),
            delistReason: row["delist_reason"], delistedBy: row["delisted_by"])
    }

    public func segments() async throws -> [Segment] {
        let rows = try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, constraints FROM segment ORDER BY id").map {
                (id: $0["id"] as Int, name: $0["name"] as String, constraints: $0["constraints"] as String)
            }
        }
        return try rows.map { row in
            let json = try JSONValue.parse(Data(row.constraints.utf8))
            var constraints: [RolloutConstraint] = []
            for item in try JSONCursor(json).array() { constraints.append(try RolloutConstraint(json: item)) }
            return Segment(id: row.id, name: row.name, constraints: constraints)
        }
    }

    public func createSegment(name: String, constraints: [RolloutConstraint], audit: AuditEntry?, maximum: Int)
        async throws -> SegmentCreation
    {
        let text = JSONValue.array(constraints.map(\.jsonValue)).serialized()
        return try await pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM segment WHERE name = ?", arguments: [name]) == nil else {
                return .exists
            }
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM segment") ?? 0 < maximum else { return .full }
            try db.execute(sql: "INSERT INTO segment (name, constraints) VALUES (?, ?)", arguments: [name, text])
            let segment = Segment(id: Int(db.lastInsertedRowID), name: name, constraints: constraints)
            if let audit { try Self.insert(audit, db) }
            return .created(segment)
        }
    }
}
