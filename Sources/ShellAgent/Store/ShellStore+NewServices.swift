import Foundation
import GRDB

/// Which services are new to a customer: those their list gained in the last week. The first list a customer
/// ever has on this device is the baseline (nothing in it is new), so a new device does not call everything new.
extension ShellStore {
    /// How long a service counts as new after it appeared in the customer's list.
    public static let newFor: TimeInterval = 7 * 24 * 3600

    /// Records the services in the customer's list now and returns those that appeared within ``newFor``.
    public func newServices(user: String, listed: [String], now: Date) throws -> Set<String> {
        func firstSeen(_ db: Database) throws -> [String: Double] {
            var seen: [String: Double] = [:]
            for row in try Row.fetchAll(
                db.cachedStatement(sql: "SELECT app_id, first_seen FROM seen_service WHERE user_id = ?"),
                arguments: [user])
            {
                seen[row["app_id"]] = row["first_seen"]
            }
            return seen
        }
        // Usually every service is known: a read, no write (this runs at every refresh of the screens).
        var known = try queue.read(firstSeen)
        if listed.contains(where: { known[$0] == nil }) {
            known = try queue.write { db in
                var known = try firstSeen(db)
                // The baseline: the first list is as old as can be.
                let seen = known.isEmpty ? 0 : now.timeIntervalSince1970
                for app in listed where known[app] == nil {
                    try db.run(
                        "INSERT INTO seen_service (user_id, app_id, first_seen) VALUES (?, ?, ?)", [user, app, seen])
                    known[app] = seen
                }
                return known
            }
        }
        return Set(listed.filter { now.timeIntervalSince1970 - (known[$0] ?? 0) < Self.newFor })
    }
}
