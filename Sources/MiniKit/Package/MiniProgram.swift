import Foundation
import Synchronization

/// One page: its markup compiled to a template, and its logic.
public struct Page: Sendable, Hashable {
    public var name: String
    public var markup: SourceFile
    public var logicFile: SourceFile?
    public var template: [TemplateNode]
    public var logic: PageLogic

    public static func markupPath(_ name: String) -> String { "pages/\(name).mml" }
    public static func logicPath(_ name: String) -> String { "pages/\(name).logic" }
}

/// A mini-program loaded and checked: its manifest and pages, ready for the runtime.
public struct MiniProgram: Sendable, Hashable {
    public var manifest: Manifest
    public var pages: [String: Page]
    public var files: PackageFiles

    /// The outcome of loading: the program when there is no error, and every diagnostic either way.
    public struct LoadResult: Sendable {
        public var program: MiniProgram?
        public var diagnostics: DiagnosticList
        /// The static analysis for reviewers, when the program loaded.
        public var report: ReviewReport?
    }

    /// Parses, compiles and checks all files. Never throws: problems come back as diagnostics.
    public static func load(_ files: PackageFiles) -> LoadResult {
        var diagnostics = DiagnosticList()
        guard let manifestData = files.files[Manifest.fileName] else {
            diagnostics.append(
                .error(
                    "package.manifest", "the package has no \(Manifest.fileName)",
                    notes: ["put manifest.json at the top of the folder"]))
            return LoadResult(program: nil, diagnostics: diagnostics, report: nil)
        }
        guard let manifestFile = sourceFile(Manifest.fileName, manifestData, &diagnostics) else {
            return LoadResult(program: nil, diagnostics: diagnostics, report: nil)
        }
        let (parsedManifest, manifestDiagnostics) = Manifest.parse(manifestFile)
        diagnostics.append(contentsOf: manifestDiagnostics)
        guard let manifest = parsedManifest else {
            return LoadResult(program: nil, diagnostics: diagnostics, report: nil)
        }

        // Pages are independent: parse, compile and check them on all cores.
        var checker = Checker(manifest: manifest, manifestFile: manifestFile)
        let parsed = ParsedPages(count: manifest.pages.count)
        DispatchQueue.concurrentPerform(iterations: manifest.pages.count) { [checker] index in
            let (page, pageDiagnostics) = parsePage(manifest.pages[index], files: files, manifestFile: manifestFile)
            parsed.store(index, (page, pageDiagnostics, page.map { checker.check(page: $0) }))
        }
        var pages: [String: Page] = [:]
        var checks: [Checker.PageResult] = []
        for (name, result) in zip(manifest.pages, parsed.results) {
            guard let result else { continue }
            diagnostics.append(contentsOf: result.diagnostics)
            if let page = result.page { pages[name] = page }
            if let check = result.check { checks.append(check) }
        }
        let listed = Set(manifest.pages.flatMap { [Page.markupPath($0), Page.logicPath($0)] })
        for path in files.paths where path != Manifest.fileName && !listed.contains(path) {
            diagnostics.append(
                .warning(
                    "package.unused-file", "'\(path)' is not used by any page listed in the manifest",
                    notes: [
                        "pages are pages/NAME.mml with an optional pages/NAME.logic; remove the file or list the page"
                    ]))
        }
        let program = MiniProgram(manifest: manifest, pages: pages, files: files)
        let report = checker.finish(checks)
        diagnostics.append(contentsOf: checker.diagnostics)
        let ok = !diagnostics.hasErrors && pages.count == manifest.pages.count
        return LoadResult(program: ok ? program : nil, diagnostics: diagnostics, report: ok ? report : nil)
    }

    /// Parses and compiles one page; its diagnostics come back with it.
    private static func parsePage(_ name: String, files: PackageFiles, manifestFile: SourceFile) -> (
        page: Page?, diagnostics: [Diagnostic]
    ) {
        var local = DiagnosticList()
        guard let markupData = files.files[Page.markupPath(name)] else {
            local.append(
                .error(
                    "package.missing-page",
                    "page '\(name)' is listed in the manifest but \(Page.markupPath(name)) does not exist",
                    in: manifestFile, at: rangeOfString(name, in: manifestFile)))
            return (nil, local.items)
        }
        guard let markupFile = sourceFile(Page.markupPath(name), markupData, &local) else { return (nil, local.items) }
        var logicFile: SourceFile?
        var logic = PageLogic()
        var logicFailed = false
        if let logicData = files.files[Page.logicPath(name)],
            let file = sourceFile(Page.logicPath(name), logicData, &local)
        {
            logicFile = file
            do {
                logic = try LogicParser.parse(file)
            } catch {
                local.append(error)
                logicFailed = true
            }
        }
        let nodes: [MarkupNode]
        do {
            nodes = try MarkupParser.parse(markupFile)
        } catch {
            local.append(error)
            return (nil, local.items)
        }
        var compiler = TemplateCompiler(file: markupFile)
        let template = compiler.compile(nodes)
        local.append(contentsOf: compiler.diagnostics)
        // Without its logic the page cannot be cross-checked: every binding would look unknown.
        guard !logicFailed else { return (nil, local.items) }
        return (
            Page(name: name, markup: markupFile, logicFile: logicFile, template: template, logic: logic), local.items
        )

    }

    /// Unpacks a package held in memory (with every limit) and loads it.
    public static func load(package data: Data) -> LoadResult {
        do {
            return load(try PackageFiles.unpack(data))
        } catch {
            return LoadResult(program: nil, diagnostics: DiagnosticList([error]), report: nil)
        }
    }

    /// Loads a package file or a source folder.
    public static func load(contentsOf url: URL) -> LoadResult {
        do {
            return load(try PackageFiles.read(url))
        } catch {
            return LoadResult(program: nil, diagnostics: DiagnosticList([error]), report: nil)
        }
    }

    private static func sourceFile(_ path: String, _ data: Data, _ diagnostics: inout DiagnosticList) -> SourceFile? {
        guard let text = String(validating: data, as: UTF8.self) else {
            var valid = 0
            var iterator = data.makeIterator()
            var decoder = UTF8()
            decoding: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): valid += UTF8.width(scalar)
                case .emptyInput, .error: break decoding
                }
            }
            diagnostics.append(
                .error(
                    "package.utf8", "\(path) is not valid UTF-8 (first bad byte near offset \(valid))",
                    notes: ["save the file as UTF-8"]))
            return nil
        }
        return SourceFile(path: path, text: text)
    }

    static func rangeOfString(_ value: String, in file: SourceFile) -> SourceRange? {
        let needle = Array("\"\(value)\"".utf8)
        let bytes = file.bytes
        guard needle.count <= bytes.count else { return nil }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if Array(bytes[start..<start + needle.count]) == needle { return SourceRange(start, start + needle.count) }
        }
        return nil
    }
}

/// Results of pages parsed concurrently, by position.
private final class ParsedPages: Sendable {
    typealias Result = (page: Page?, diagnostics: [Diagnostic], check: Checker.PageResult?)
    private let slots: Mutex<[Result?]>

    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    var results: [Result?] { slots.withLock { $0 } }

    func store(_ index: Int, _ result: Result) {
        slots.withLock { $0[index] = result }
    }
}
