import Foundation
import Testing

/// Text snapshots, after swift-argument-parser's helper: `Snapshots/<name>.txt` beside the tests.
/// A missing snapshot is recorded and the test fails once; `SNAPSHOT_RECORD=1` re-records; a mismatch
/// prints a line diff.
public func assertSnapshot(
    _ actual: String, named name: String, filePath: String = #filePath,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = directory.appendingPathComponent("\(name).txt")
    let record = ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1"
    guard !record, let expected = try? String(contentsOf: file, encoding: .utf8) else {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? actual.write(to: file, atomically: true, encoding: .utf8)
        if !record {
            Issue.record("recorded a new snapshot at \(file.path); run the test again", sourceLocation: sourceLocation)
        }
        return
    }
    guard expected != actual else { return }
    let expectedLines = expected.components(separatedBy: "\n")
    let actualLines = actual.components(separatedBy: "\n")
    var diff: [String] = []
    for index in 0..<max(expectedLines.count, actualLines.count) {
        let e = index < expectedLines.count ? expectedLines[index] : nil
        let a = index < actualLines.count ? actualLines[index] : nil
        if e == a { continue }
        if let e { diff.append("-\(index + 1): \(e)") }
        if let a { diff.append("+\(index + 1): \(a)") }
    }
    Issue.record(
        "snapshot \(name) differs (SNAPSHOT_RECORD=1 re-records):\n\(diff.joined(separator: "\n"))",
        sourceLocation: sourceLocation)
}
