import Catalog
import CatalogServer
import Foundation
import MiniSupport
import PostgresNIO

/// The bank's offers to external organisations' host apps.
extension PostgresCatalogStore {
    public func createOffer(_ offer: Offer, audit: AuditEntry?) async throws -> Bool {
        let gray = try StoredOffer.grayText(offer.gray)
        let version = offer.version.description
        return try await transaction { transaction in
            // With the host's listing writers: an acceptance and a new offer of the same pair never interleave.
            try await transaction.lock("catalogd:host:\(offer.hostId)")
            let state = try await transaction.row(
                """
                SELECT state FROM offer
                WHERE app_id = \(offer.appId) AND host_id = \(offer.hostId) AND version = \(version)
                """
            ).map { try $0.get("state", as: String.self) }
            guard state != Offer.State.accepted.rawValue else { return false }
            try await transaction.run(
                """
                UPDATE offer SET state = 'withdrawn'
                WHERE app_id = \(offer.appId) AND host_id = \(offer.hostId) AND state = 'pending'
                """)
            try await transaction.run(
                """
                INSERT INTO offer (app_id, host_id, version, gray, state, offered_by, offered_at)
                VALUES (\(offer.appId), \(offer.hostId), \(version), \(gray), 'pending', \(offer.offeredBy),
                  \(offer.offeredAt.timeIntervalSince1970))
                ON CONFLICT (app_id, host_id, version) DO UPDATE SET gray = excluded.gray, state = 'pending',
                  offered_by = excluded.offered_by, offered_at = excluded.offered_at, decided_by = NULL,
                  decided_at = NULL, reason = NULL
                """)
            try await transaction.audit(audit)
            return true
        }
    }

    public func offers(hostIds: Set<String>?, limit: Int) async throws -> [Offer] {
        let hosts = hostIds.map { $0.sorted() }
        return try await rows(
            """
            SELECT * FROM offer WHERE (\(hosts)::TEXT[] IS NULL OR host_id = ANY(\(hosts)))
            ORDER BY offered_at DESC, app_id DESC, host_id DESC LIMIT \(Int64(max(0, limit)))
            """
        ).map(Self.offer)
    }

    public func pendingOffer(appId: String, hostId: String) async throws -> Offer? {
        try await row("SELECT * FROM offer WHERE app_id = \(appId) AND host_id = \(hostId) AND state = 'pending'")
            .map(Self.offer)
    }

    public func declineOffer(
        appId: String, hostId: String, version: SemanticVersion, by: String, at: Date, reason: String?,
        audit: AuditEntry?
    ) async throws -> Bool {
        try await transaction { transaction in
            guard
                try await transaction.row(
                    """
                    UPDATE offer SET state = 'declined', decided_by = \(by), decided_at = \(at.timeIntervalSince1970),
                      reason = \(reason)
                    WHERE app_id = \(appId) AND host_id = \(hostId) AND version = \(version.description)
                      AND state = 'pending'
                    RETURNING app_id
                    """) != nil
            else { return false }
            try await transaction.audit(audit)
            return true
        }
    }

    static func offer(_ record: Record) throws -> Offer {
        let state = try record.get("state", as: String.self)
        guard let offerState = Offer.State(rawValue: state) else { throw unknown("offer.state", state) }
        let text = try record.get("version", as: String.self)
        guard let version = SemanticVersion(text) else { throw unknown("offer.version", text) }
        return Offer(
            appId: try record.get("app_id"), hostId: try record.get("host_id"), version: version,
            gray: try StoredOffer.gray(record.get("gray")), state: offerState, offeredBy: try record.get("offered_by"),
            offeredAt: try record.date("offered_at"), decidedBy: try record.get("decided_by"),
            decidedAt: try record.optionalDate("decided_at"), reason: try record.get("reason"))
    }
}
