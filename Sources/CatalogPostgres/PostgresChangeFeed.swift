import CatalogServer
import Foundation
import Logging
import PostgresNIO

/// The changes every replica commits, heard on PostgreSQL's `LISTEN` (see ``StoreChange``): one dedicated
/// connection per replica, outside the pool. When it drops (the server restarts, the connection is killed), the
/// feed reconnects with a growing pause, listens again, and only then asks for a resync, so whatever was
/// committed while it was away is read from the database: nothing is lost, at the price of one read per host
/// with open streams.
public struct PostgresChangeFeed: StoreChangeFeed {
    let address: DatabaseLocation.PostgresAddress
    let logger: Logger
    /// Waits before reconnection attempt `n` (1, 2, …); tests hold it to commit while the feed is away.
    let pause: @Sendable (Int) async -> Void

    public init(
        address: DatabaseLocation.PostgresAddress, logger: Logger = Logger(label: "catalogd.listen"),
        pause: @escaping @Sendable (Int) async -> Void = PostgresChangeFeed.backoff
    ) {
        self.address = address
        self.logger = logger
        self.pause = pause
    }

    /// 100 ms, doubling up to 2 s.
    public static let backoff: @Sendable (Int) async -> Void = { attempt in
        let milliseconds = min(2_000, 100 << min(attempt - 1, 5))
        try? await Task.sleep(for: .milliseconds(milliseconds))
    }

    public func follow(
        resync: @escaping @Sendable () async -> Void, change: @escaping @Sendable (StoreChange) async -> Void
    ) async {
        var attempt = 0
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: address.connectionConfiguration, id: 1, logger: logger)
                // Closed however listening ends; an error is reported below once the connection is closed.
                var failure: (any Error)?
                do {
                    try await connection.listen(on: PostgresCatalogStore.changeChannel) { notifications in
                        if attempt > 0 { logger.notice("listening again after \(attempt) attempts; catching up") }
                        attempt = 0
                        await resync()
                        for try await notification in notifications {
                            do {
                                await change(try StoreChange(payload: notification.payload))
                            } catch {
                                // A change this replica does not understand (a newer replica's): read everything.
                                logger.warning("unknown change notification (\(error)); resynchronising")
                                await resync()
                            }
                        }
                    }
                } catch {
                    failure = error
                }
                try? await connection.close()
                if let failure { throw failure }
            } catch {
                if Task.isCancelled { return }
                logger.warning("change feed lost: \(PostgresCatalogStore.describe(error))")
            }
            if Task.isCancelled { return }
            attempt += 1
            await pause(attempt)
        }
    }
}
