import Foundation
import MiniKit
import MiniSupport
import TerminalCells

/// Runs a mini-program headless against a ``SimulatorHost``: the engine of `minictl preview`.
public struct PreviewSession: Sendable {
    public private(set) var runtime: MiniProgramRuntime
    public let host: SimulatorHost

    /// Every declared scope and domain granted, as a catalog would for an approved listing, unless denied.
    public init(
        program: MiniProgram, host: SimulatorHost = SimulatorHost(), width: Int = 80, height: Int = 24,
        withheldScopes: Set<HostAPI.Scope> = []
    ) {
        let policy = SandboxPolicy(
            grantedScopes: program.manifest.declaredScopes.subtracting(withheldScopes),
            grantedDomains: Set(program.manifest.domains),
            openId: host.openId)
        self.runtime = MiniProgramRuntime(
            program: program, policy: policy, storage: host.storage, width: width, height: max(1, height - 1))
        self.host = host
    }

    /// Opens a page (the entry page by default).
    public mutating func start(page: String? = nil, query: MiniValue = .object([:])) async {
        let effects = runtime.start(page: page, query: query)
        await BridgeDriver.drain(effects, runtime: &runtime, bridge: host)
    }

    /// Applies keys one after another, letting the host answer everything in between.
    public mutating func press(_ script: KeyScript) async {
        for input in script.inputs {
            let effects = runtime.handle(input)
            await BridgeDriver.drain(effects, runtime: &runtime, bridge: host)
        }
    }

    /// The container as a shell shows it: a navigation bar, then the page.
    public func screen() -> CellBuffer {
        var buffer = CellBuffer(width: runtime.width, height: runtime.height + 1)
        let title = runtime.currentPage?.title(appName: runtime.program.manifest.name) ?? "(closed)"
        let back = runtime.stack.count > 1 ? "‹ " : "  "
        buffer.write(back + title, x: 0, y: 0, limit: max(0, runtime.width - 8), role: .title)
        buffer.write("··· ✕", x: max(0, runtime.width - 6), y: 0, role: .muted)
        buffer.blit(runtime.screen(), x: 0, y: 1)
        return buffer
    }
}
