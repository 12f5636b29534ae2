import Catalog
import CatalogServer
import Foundation
import MiniKit
import MiniSupport
import PostgresNIO

/// Listings, catalog versions and events, delistings, and the segments gray releases name.
extension PostgresCatalogStore {
    public func listings(appId: String) async throws -> [Listing] {
        try await rows("SELECT * FROM listing WHERE app_id = \(appId) ORDER BY host_id").map(Self.listing)
    }

    public func listings(hostId: String) async throws -> [Listing] {
        try await rows("SELECT * FROM listing WHERE host_id = \(hostId) ORDER BY app_id").map(Self.listing)
    }

    public func commit(
        _ listing: Listing, event: CatalogEvent.Kind, version: SemanticVersion?, reason: String?, at: Date,
        audit: AuditEntry?, expected: Listing?, requireActiveHost: Bool, seal: EventSealer?,
        accepting: OfferAcceptance?
    ) async throws -> StoredEvent {
        let plan = String(decoding: try WireFormat.encoder().encode(listing.plan), as: UTF8.self)
        return try await transaction { transaction in
            // One writer per host at a time, across replicas: the next version and sequence follow the last
            // committed ones with no gap and no duplicate.
            try await transaction.lock("catalogd:host:\(listing.hostId)")
            let stored = try await transaction.row(
                "SELECT * FROM listing WHERE app_id = \(listing.appId) AND host_id = \(listing.hostId)"
            ).map(Self.listing)
            guard stored == expected else { throw ListingChanged.meanwhile(listing, now: stored) }
            // The last word on what may be listed: in the same transaction as the listing itself.
            if listing.state.isListed {
                for planned in listing.plan.versions {
                    let state = try await transaction.row(
                        """
                        SELECT review_state FROM version
                        WHERE app_id = \(listing.appId) AND version = \(planned.description)
                        """
                    ).map { try $0.get("review_state", as: String.self) }
                    guard state == MiniProgramVersion.ReviewState.approved.rawValue else {
                        throw VersionNotApproved(
                            appId: listing.appId, version: planned,
                            state: state.flatMap(MiniProgramVersion.ReviewState.init(rawValue:)))
                    }
                }
            }
            if let accepting {
                guard
                    try await transaction.row(
                        """
                        UPDATE offer SET state = 'accepted', decided_by = \(accepting.by),
                          decided_at = \(accepting.at.timeIntervalSince1970), reason = \(accepting.reason)
                        WHERE app_id = \(listing.appId) AND host_id = \(listing.hostId)
                          AND version = \(accepting.version.description) AND state = 'pending'
                        RETURNING app_id
                        """) != nil
                else { throw OfferNotPending(appId: listing.appId, hostId: listing.hostId) }
            }
            // An external organisation's host lists only what it accepted, whichever path the change took.
            let organisation = try await transaction.row(
                "SELECT organisation FROM host_app WHERE id = \(listing.hostId)"
            ).map { try $0.get("organisation", as: String.self) }
            if listing.state.isListed, let organisation, organisation != Organisation.bankId {
                for planned in listing.plan.versions {
                    guard
                        try await transaction.row(
                            """
                            SELECT 1 AS accepted FROM offer WHERE app_id = \(listing.appId)
                              AND host_id = \(listing.hostId) AND version = \(planned.description) AND state = 'accepted'
                            """) != nil
                    else { throw VersionNotAccepted(appId: listing.appId, hostId: listing.hostId, version: planned) }
                }
            }
            if requireActiveHost {
                let active = try await transaction.row("SELECT active FROM host_app WHERE id = \(listing.hostId)")
                    .map { try $0.get("active", as: Bool.self) }
                guard active == true else { throw ListingChanged.inactiveHost(listing.hostId) }
            }
            try await transaction.run(
                """
                INSERT INTO listing (app_id, host_id, state, plan, delist_reason, delisted_by)
                VALUES (\(listing.appId), \(listing.hostId), \(listing.state.rawValue), \(plan), \(listing.delistReason),
                  \(listing.delistedBy))
                ON CONFLICT (app_id, host_id) DO UPDATE SET state = excluded.state, plan = excluded.plan,
                  delist_reason = excluded.delist_reason, delisted_by = excluded.delisted_by
                """)
            let current = try await transaction.row(
                "SELECT catalog_version, event_sequence FROM host_state WHERE host_id = \(listing.hostId)")
            let catalogVersion = (try current?.get("catalog_version", as: Int64.self) ?? 0) + 1
            let sequence = (try current?.get("event_sequence", as: Int64.self) ?? 0) + 1
            try await transaction.run(
                """
                INSERT INTO host_state (host_id, catalog_version, event_sequence)
                VALUES (\(listing.hostId), \(catalogVersion), \(sequence))
                ON CONFLICT (host_id) DO UPDATE SET catalog_version = excluded.catalog_version,
                  event_sequence = excluded.event_sequence
                """)
            var committed = StoredEvent(
                hostId: listing.hostId, sequence: UInt64(sequence), catalogVersion: UInt64(catalogVersion), kind: event,
                appId: listing.appId, version: version, reason: reason, at: at)
            committed.seal = try seal?(committed)
            try await transaction.run(
                """
                INSERT INTO event (host_id, sequence, catalog_version, kind, app_id, version, reason, at, signed_by,
                  envelope)
                VALUES (\(listing.hostId), \(sequence), \(catalogVersion), \(event.rawValue), \(listing.appId),
                  \(version?.description), \(reason), \(at.timeIntervalSince1970), \(committed.seal?.keyId),
                  \(committed.seal?.envelope))
                """)
            try await transaction.audit(audit)
            // Every replica's open streams get the signed event once this commits (and only then).
            try await transaction.notify(
                .event(hostId: listing.hostId, sequence: committed.sequence, seal: committed.seal))
            return committed
        }
    }

    public func hostState(_ hostId: String) async throws -> (catalogVersion: UInt64, eventSequence: UInt64) {
        guard
            let record = try await row(
                "SELECT catalog_version, event_sequence FROM host_state WHERE host_id = \(hostId)")
        else { return (0, 0) }
        return (
            UInt64(try record.get("catalog_version", as: Int64.self)),
            UInt64(try record.get("event_sequence", as: Int64.self))
        )
    }

    public func events(hostId: String, after: UInt64, limit: Int) async throws -> [StoredEvent] {
        try await rows(
            """
            SELECT * FROM event WHERE host_id = \(hostId) AND sequence > \(Int64(clamping: after))
            ORDER BY sequence LIMIT \(Int64(max(0, limit)))
            """
        ).map(Self.event)
    }

    public func delistings(hostId: String) async throws -> [Tombstone] {
        try await rows(
            """
            SELECT event.* FROM event JOIN listing ON listing.app_id = event.app_id AND listing.host_id = event.host_id
            WHERE event.host_id = \(hostId) AND event.kind = 'delisted' AND listing.state = 'delisted'
              AND event.sequence = (SELECT MAX(sequence) FROM event AS later
                                    WHERE later.host_id = event.host_id AND later.app_id = event.app_id
                                      AND later.kind = 'delisted')
            ORDER BY event.app_id
            """
        ).map { record in
            Tombstone(
                appId: try record.get("app_id"), delistedAt: try record.date("at"),
                reason: try record.get("reason", as: String?.self) ?? "",
                sequence: UInt64(try record.get("sequence", as: Int64.self)))
        }
    }

    public func segments() async throws -> [Segment] {
        try await rows("SELECT id, name, constraints FROM segment ORDER BY id").map { record in
            let text = try record.get("constraints", as: String.self)
            var constraints: [RolloutConstraint] = []
            for item in try JSONCursor(try JSONValue.parse(Data(text.utf8))).array() {
                constraints.append(try RolloutConstraint(json: item))
            }
            return Segment(
                id: Int(try record.get("id", as: Int64.self)), name: try record.get("name"), constraints: constraints)
        }
    }

    public func createSegment(name: String, constraints: [RolloutConstraint], audit: AuditEntry?, maximum: Int)
        async throws -> SegmentCreation
    {
        let text = JSONValue.array(constraints.map(\.jsonValue)).serialized()
        return try await transaction { transaction in
            try await transaction.lock("catalogd:segments")
            guard try await transaction.row("SELECT id FROM segment WHERE name = \(name)") == nil else {
                return .exists
            }
            let count = try await transaction.row("SELECT COUNT(*) AS n FROM segment")?.get("n", as: Int64.self) ?? 0
            guard count < Int64(maximum) else { return .full }
            guard
                let id = try await transaction.row(
                    "INSERT INTO segment (name, constraints) VALUES (\(name), \(text)) RETURNING id"
                )?.get("id", as: Int64.self)
            else { throw Unavailable(description: "the segment was not stored") }
            try await transaction.audit(audit)
            return .created(Segment(id: Int(id), name: name, constraints: constraints))
        }
    }

    static func listing(_ record: Record) throws -> Listing {
        let state = try record.get("state", as: String.self)
        guard let listingState = ListingState(rawValue: state) else { throw unknown("listing.state", state) }
        return Listing(
            appId: try record.get("app_id"), hostId: try record.get("host_id"), state: listingState,
            plan: try WireFormat.decoder().decode(
                ReleasePlan.self, from: Data(try record.get("plan", as: String.self).utf8)),
            delistReason: try record.get("delist_reason"), delistedBy: try record.get("delisted_by"))
    }

    static func event(_ record: Record) throws -> StoredEvent {
        let kind = try record.get("kind", as: String.self)
        guard let eventKind = CatalogEvent.Kind(rawValue: kind) else { throw unknown("event.kind", kind) }
        return StoredEvent(
            hostId: try record.get("host_id"), sequence: UInt64(try record.get("sequence", as: Int64.self)),
            catalogVersion: UInt64(try record.get("catalog_version", as: Int64.self)), kind: eventKind,
            appId: try record.get("app_id"), version: try version(record.get("version"), "event.version"),
            reason: try record.get("reason"), at: try record.date("at"),
            seal: EventSeal(keyId: try record.get("signed_by"), envelope: try record.get("envelope")))
    }
}
