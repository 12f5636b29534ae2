import ArgumentParser
import Catalog
import Foundation
import MiniKit
import MiniSupport

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a mini-program (folder or package) and print its review report.",
        discussion: """
            Parses the manifest and every page, checks cross-references (pages, handlers, data paths, scopes,
            domains) and prints the review report: pages, components, the host APIs and domains each handler can
            reach, and the declared scopes with their reasons. Exit 0 when there is no error (warnings are
            printed on stderr), 1 with every diagnostic when there is one, 2 on usage errors.
            """
    )

    @Argument(help: ArgumentHelp("A mini-program folder or package file.", valueName: "PATH"))
    var path: String

    @Flag(help: "Print the report (and diagnostics) as JSON.")
    var json = false

    func run() throws {
        let result = MiniProgram.load(contentsOf: URL(fileURLWithPath: path))
        if json {
            var object: [String: JSONValue] = [
                "ok": .bool(result.program != nil),
                "diagnostics": .array(result.diagnostics.items.map(Self.json)),
            ]
            if let report = result.report, let data = try? JSONEncoder().encode(report),
                let value = try? JSONValue.parse(data)
            {
                object["report"] = value
            }
            print(JSONValue.object(object).serialized())
        } else {
            if !result.diagnostics.items.isEmpty {
                FileHandle.standardError.write(Data((result.diagnostics.description + "\n").utf8))
            }
            if let report = result.report { print(report.text) }
        }
        if result.program == nil { throw ExitCode(1) }
    }

    static func json(_ diagnostic: Diagnostic) -> JSONValue {
        var members: [String: JSONValue] = [
            "severity": .string(diagnostic.severity.rawValue), "code": .string(diagnostic.code),
            "message": .string(diagnostic.message), "notes": .array(diagnostic.notes.map(JSONValue.string)),
            "rendered": .string(diagnostic.rendered),
        ]
        if let file = diagnostic.file {
            members["file"] = .string(file.path)
            if let range = diagnostic.range {
                let (line, column) = file.location(of: range.lowerBound)
                members["line"] = .number(Double(line))
                members["column"] = .number(Double(column))
            }
        }
        return .object(members)
    }
}

struct Pack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a mini-program folder and write its package.",
        discussion: """
            Refuses to write anything when the check finds an error. The package is deterministic: the same
            folder always gives the same bytes (sorted paths, fixed timestamps and permissions). Prints the
            package's sha256 and size, which the catalog uses to address it.
            """
    )

    @Argument(help: ArgumentHelp("The mini-program folder.", valueName: "DIR"))
    var directory: String

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The package file to write.", valueName: "FILE"))
    var output: String

    func run() throws {
        let files: PackageFiles
        do {
            files = try PackageFiles.read(folder: URL(fileURLWithPath: directory))
        } catch {
            throw CommandFailure(error.rendered)
        }
        let result = MiniProgram.load(files)
        guard result.program != nil else {
            FileHandle.standardError.write(Data((result.diagnostics.description + "\n").utf8))
            throw ExitCode(1)
        }
        if !result.diagnostics.items.isEmpty {
            FileHandle.standardError.write(Data((result.diagnostics.description + "\n").utf8))
        }
        let data: Data
        do {
            data = try files.pack()
        } catch {
            throw CommandFailure(error.rendered)
        }
        guard data.count <= MiniKitLimits.maximumPackageSize else {
            throw CommandFailure(
                "the package would be \(data.count) bytes, more than the limit of \(MiniKitLimits.maximumPackageSize / 1024 / 1024) MiB"
            )
        }
        let url = URL(fileURLWithPath: output)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        do {
            try data.write(to: temporary)
            _ = try? FileManager.default.removeItem(at: url)
            try FileManager.default.moveItem(at: temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CommandFailure("cannot write '\(output)': \(error.localizedDescription)")
        }
        let digest = PackageReference.digest(of: data)
        print("sha256: \(digest)")
        print("size:   \(data.count)")
        print("wrote \(output)")
    }
}
