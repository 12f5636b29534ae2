import Foundation
import MiniKitSimulator
import MiniSupport
import SnapshotSupport
import TerminalCells
import Testing

@testable import MiniKit

/// Each sample app passes the checker and walks through its main flow in the simulator; the screens are
/// text snapshots.
struct SampleAppPreviewTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sample-apps")

    struct Walkthrough: Sendable, CustomTestStringConvertible {
        var app: String
        var keys: String
        var size: (Int, Int) = (80, 24)
        var testDescription: String { app }
    }

    static let walkthroughs: [Walkthrough] = [
        Walkthrough(
            app: "car-insurance", keys: "type:沪a12345 down right down enter down enter down down enter enter"),
        Walkthrough(app: "fund-subscription", keys: "enter enter down enter type:5000 down enter"),
        Walkthrough(
            app: "account-opening",
            keys:
                "type:Zhang\\sSan down type:11010519491231002x down down enter down enter down right down down type:88\\sXueyuan\\sRoad down down enter enter"
        ),
        Walkthrough(app: "bill-payment", keys: "down type:310012345678 enter down down enter"),
        Walkthrough(app: "branch-queue", keys: "down enter right down enter", size: (40, 16)),
    ]

    static func program(_ app: String) throws -> MiniProgram {
        let result = MiniProgram.load(contentsOf: root.appendingPathComponent(app))
        return try #require(result.program, "\(result.diagnostics)")
    }

    static func fixtures(_ app: String) throws -> [String: MiniValue] {
        let data = try Data(contentsOf: root.appendingPathComponent("\(app).fixtures.json"))
        guard case .object(let members) = try JSONDecoder().decode(MiniValue.self, from: data) else { return [:] }
        return members
    }

    @Test(
        "every sample app passes the checker without errors",
        arguments: ["car-insurance", "fund-subscription", "account-opening", "bill-payment", "branch-queue"])
    func checks(_ app: String) throws {
        let result = MiniProgram.load(contentsOf: Self.root.appendingPathComponent(app))
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        #expect(result.report != nil)
    }

    @Test(
        "the entry page renders at 80×24 and 120×40",
        arguments: ["car-insurance", "fund-subscription", "account-opening", "bill-payment", "branch-queue"])
    func entryPage(_ app: String) async throws {
        for (width, height) in [(80, 24), (120, 40)] {
            var session = PreviewSession(
                program: try Self.program(app), host: SimulatorHost(fixtures: try Self.fixtures(app)), width: width,
                height: height)
            await session.start()
            assertSnapshot(session.screen().text, named: "\(app)-entry-\(width)x\(height)")
        }
    }

    @Test("the main flow runs to its last screen", arguments: walkthroughs)
    func walkthrough(_ walkthrough: Walkthrough) async throws {
        let host = SimulatorHost(fixtures: try Self.fixtures(walkthrough.app))
        var session = PreviewSession(
            program: try Self.program(walkthrough.app), host: host, width: walkthrough.size.0,
            height: walkthrough.size.1)
        await session.start()
        await session.press(try KeyScript(parsing: walkthrough.keys))
        let events = await host.events.map(\.description).joined(separator: "\n")
        assertSnapshot(session.screen().text + "\n--- host ---\n" + events, named: "\(walkthrough.app)-walkthrough")
        #expect(!(await host.events).contains { if case .error = $0 { return true } else { return false } })
    }
}
