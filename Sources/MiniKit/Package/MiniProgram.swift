import Foundation

/// One page: its markup compiled to a template, and its logic.
public struct Page: Sendable, Hashable {
    public var name: String
    public var markup: SourceFile
    public var logicFile: SourceFile?
    public var template: Template
    public var logic: PageLogic

    public static func markupPath(_ name: String) -> String { "pages/\(name).mml" }
    public static func logicPath(_ name: String) -> String { "pages/\(name).logic" }
}

/// A mini-program loaded and checked: its manifest and pages, ready for the runtime.
///
/// Loading parses, compiles and checks every page, then keeps only the pages' sources: a page is compiled again
/// when it opens (``page(_:)``, well under a millisecond for a large page). A loaded program then holds about its
/// own source, and only the open pages hold their templates and logic.
public struct MiniProgram: Sendable, Hashable {
    public var manifest: Manifest
    /// The checked source files of each page, by page name.
    private var sources: [String: PageSource]

    /// A page's source files.
    struct PageSource: Sendable, Hashable {
        var markup: SourceFile
        var logic: SourceFile?
    }

    /// Whether the program has a page of that name.
    public func hasPage(_ name: String) -> Bool { sources[name] != nil }

    /// The page of that name, compiled; nil when there is no such page.
    public func page(_ name: String) -> Page? {
        guard let source = sources[name] else { return nil }
        // The sources passed the same compilation when the program loaded, so this cannot fail.
        return Self.compilePage(name, markup: source.markup, logic: source.logic).page
    }

    /// The outcome of loading: the program when there is no error, and every diagnostic either way.
    public struct LoadResult: Sendable {
        public var program: MiniProgram?
        public var diagnostics: DiagnosticList
        /// The static analysis for reviewers, when the program loaded.
        public var report: ReviewReport?
    }

    /// Parses, compiles and checks all files. Never throws: problems come back as diagnostics.
    public static func load(_ files: PackageFiles) -> LoadResult {
        load(contents: files.files.mapValues { [UInt8]($0) })
    }

    /// The same over the files' bytes by path: what a package unzips to, with no copy on the way.
    static func load(contents files: [String: [UInt8]]) -> LoadResult {
        var diagnostics = DiagnosticList()
        guard let manifestData = files[Manifest.fileName] else {
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
        let parsed = concurrentMap(manifest.pages.count) { [checker] index in
            let (page, pageDiagnostics) = parsePage(manifest.pages[index], files: files, manifestFile: manifestFile)
            // Only the sources outlive the check: the compiled page is freed here, on this worker.
            return ParsedPage(
                source: page.map { PageSource(markup: $0.markup, logic: $0.logicFile) },
                diagnostics: pageDiagnostics, check: page.map { checker.check(page: $0) })
        }
        var pages: [String: PageSource] = [:]
        var checks: [Checker.PageResult] = []
        for (name, result) in zip(manifest.pages, parsed) {
            diagnostics.append(contentsOf: result.diagnostics)
            if let source = result.source { pages[name] = source }
            if let check = result.check { checks.append(check) }
        }
        let listed = Set(manifest.pages.flatMap { [Page.markupPath($0), Page.logicPath($0)] })
        let paths = files.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for path in paths where path != Manifest.fileName && !listed.contains(path) {
            diagnostics.append(
                .warning(
                    "package.unused-file", "'\(path)' is not used by any page listed in the manifest",
                    notes: [
                        "pages are pages/NAME.mml with an optional pages/NAME.logic; remove the file or list the page"
                    ]))
        }
        let program = MiniProgram(manifest: manifest, sources: pages)
        let report = checker.finish(checks)
        diagnostics.append(contentsOf: checker.diagnostics)
        let ok = !diagnostics.hasErrors && pages.count == manifest.pages.count
        return LoadResult(program: ok ? program : nil, diagnostics: diagnostics, report: ok ? report : nil)
    }

    /// Reads one page's files and compiles it; its diagnostics come back with it.
    private static func parsePage(_ name: String, files: [String: [UInt8]], manifestFile: SourceFile) -> (
        page: Page?, diagnostics: [Diagnostic]
    ) {
        var local = DiagnosticList()
        guard let markupData = files[Page.markupPath(name)] else {
            local.append(
                .error(
                    "package.missing-page",
                    "page '\(name)' is listed in the manifest but \(Page.markupPath(name)) does not exist",
                    in: manifestFile, at: rangeOfString(name, in: manifestFile)))
            return (nil, local.items)
        }
        guard let markupFile = sourceFile(Page.markupPath(name), markupData, &local) else { return (nil, local.items) }
        var logicFile: SourceFile?
        if let logicData = files[Page.logicPath(name)] {
            guard let file = sourceFile(Page.logicPath(name), logicData, &local) else {
                // Without its logic the page cannot be cross-checked: every binding would look unknown.
                return (nil, local.items)
            }
            logicFile = file
        }
        let (page, diagnostics) = compilePage(name, markup: markupFile, logic: logicFile)
        local.append(contentsOf: diagnostics)
        return (page, local.items)
    }

    /// Parses a page's logic and compiles its markup.
    private static func compilePage(_ name: String, markup: SourceFile, logic logicFile: SourceFile?) -> (
        page: Page?, diagnostics: [Diagnostic]
    ) {
        var diagnostics: [Diagnostic] = []
        var logic = PageLogic()
        var logicFailed = false
        if let logicFile {
            do {
                logic = try LogicParser.parse(logicFile)
            } catch {
                diagnostics.append(error)
                logicFailed = true
            }
        }
        let template: Template
        do {
            let parsed = try TemplateParser.parse(markup)
            template = parsed.template
            diagnostics.append(contentsOf: parsed.diagnostics)
        } catch {
            diagnostics.append(error)
            return (nil, diagnostics)
        }
        // Without its logic the page cannot be cross-checked: every binding would look unknown.
        guard !logicFailed else { return (nil, diagnostics) }
        return (Page(name: name, markup: markup, logicFile: logicFile, template: template, logic: logic), diagnostics)
    }

    /// Unpacks a package held in memory (with every limit) and loads it.
    public static func load(package data: Data) -> LoadResult {
        do {
            return load(contents: try PackageFiles.unpackContents(data))
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

    private static func sourceFile(_ path: String, _ bytes: [UInt8], _ diagnostics: inout DiagnosticList)
        -> SourceFile?
    {
        guard isValidUTF8(bytes) else {
            var valid = 0
            var iterator = bytes.makeIterator()
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
        return SourceFile(path: path, validUTF8: bytes)
    }

    /// Whether the bytes are UTF-8. ASCII, what most sources are, is checked eight bytes at a time without
    /// building a string; anything else goes through the standard library's validation.
    private static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        let ascii = bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset + 8 <= raw.count {
                if raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
                    return false
                }
                offset += 8
            }
            while offset < raw.count {
                if raw[offset] >= 0x80 { return false }
                offset += 1
            }
            return true
        }
        return ascii || String(validating: bytes, as: UTF8.self) != nil
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

/// What parsing and checking one page leaves: its sources, when it compiled, and what was found.
private struct ParsedPage: Sendable {
    var source: MiniProgram.PageSource?
    var diagnostics: [Diagnostic]
    var check: Checker.PageResult?
}
