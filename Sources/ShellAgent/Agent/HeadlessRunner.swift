import Catalog
import Foundation

/// The agent without a screen: one JSON line per event, for operations checking a deployment, for tests and
/// for benchmarks that need a real shell.
public enum HeadlessRunner {
    /// Syncs once (catalog, installs, recalls, acknowledgement), prints what happened, and returns the exit
    /// status: 0 when a catalog verified, 1 otherwise.
    public static func once(
        _ agent: SyncAgent, clock: any CatalogClock = SystemClock(), write: @escaping @Sendable (String) -> Void
    )
        async -> Int32
    {
        let printer = print(agent, clock: clock, write: write)
        agent.prepare()
        let synced = await agent.sync()
        await agent.acknowledge()
        agent.finishEvents()
        await printer.value
        return synced ? 0 : 1
    }

    /// Runs the agent until the surrounding task is cancelled, printing every event.
    public static func run(
        _ agent: SyncAgent, clock: any CatalogClock = SystemClock(), write: @escaping @Sendable (String) -> Void
    )
        async
    {
        let printer = print(agent, clock: clock, write: write)
        await withTaskCancellationHandler {
            await agent.run()
        } onCancel: {
            agent.finishEvents()
        }
        agent.finishEvents()
        await printer.value
    }

    /// Writes every event as a JSON line until the agent's events finish.
    private static func print(
        _ agent: SyncAgent, clock: any CatalogClock, write: @escaping @Sendable (String) -> Void
    ) -> Task<Void, Never> {
        Task {
            for await event in agent.events { write(event.jsonLine(at: clock.now())) }
        }
    }
}
