import Catalog
import Crypto
import Foundation
import MiniKit
import MiniSupport

/// MiniKit's benchmarks: loading a package, first render, stopping a runaway expression.
enum MiniKitBenchmarks {
    static func run() throws {
        try packageLoad()
        if ProcessInfo.processInfo.environment["BENCH_ONLY_LOAD"] != nil { return }
        try firstRender()
        try runaway()
    }

    /// A synthetic mini-program of `pages` pages with realistic markup and logic, about 200 KB packed.
    static func syntheticPackage(pages: Int, id: String = "com.bench.app", name: String = "Bench") -> PackageFiles {
        var generator = SystemRandomNumberGenerator()
        var files: [String: Data] = [:]
        let names = (0..<pages).map { "page\($0)" }
        files["manifest.json"] = Data(
            """
            {"id": "\(id)", "name": "\(name)", "version": "1.0.0", "category": "finance",
             "pages": [\(names.map { "\"\($0)\"" }.joined(separator: ", "))],
             "permissions": [{"scope": "network", "reason": "Load the data"}], "domains": ["api.bench.example"]}
            """.utf8)
        for (index, name) in names.enumerated() {
            var markup = "<column gap=\"1\">\n  <text tone=\"title\">Page \(index) {{ title }}</text>\n"
            var fields: [String] = ["title: \"t\(index)\"", "items: []", "flag: false"]
            for row in 0..<60 {
                let token = String(UInt64.random(in: 0...UInt64.max, using: &generator), radix: 36)
                fields.append("f\(row): \"\(token)\"")
                markup +=
                    "  <row gap=\"2\"><text tone=\"muted\">Label \(row) \(token)</text><text>{{ f\(row) }}</text><button bindtap=\"tap\(row % 5)\" data-row=\"\(row)\">Go \(row)</button></row>\n"
            }
            markup += "  <view wx:for=\"{{ items }}\" wx:key=\"id\"><text>{{ item.name }}</text></view>\n"
            markup += "  <navigator url=\"\(names[(index + 1) % pages])\">Next</navigator>\n</column>\n"
            var logic = "data { \(fields.joined(separator: ", ")) }\n"
            for handler in 0..<5 {
                logic += """
                    handler tap\(handler) {
                      if event.dataset.row > 10 { set flag = !flag } else { set title = "row " + event.dataset.row }
                      call network.request { url: "https://api.bench.example/v1/rows/" + event.dataset.row }
                        success { set items = result.body.items }
                        fail { toast "failed: " + error.message }
                    }

                    """
            }
            files["pages/\(name).mml"] = Data(markup.utf8)
            files["pages/\(name).logic"] = Data(logic.utf8)
        }
        return PackageFiles(files)
    }

    static func packageLoad() throws {
        let files = syntheticPackage(pages: 75)
        let package = try files.pack()
        let digest = PackageReference.digest(of: package)
        print(
            "\nMiniKit package load: \(package.count / 1024) KB package, \(files.totalSize / 1024) KB unpacked, \(files.files.count) files"
        )
        // Loaded programs are kept until the end, so freeing one is not counted as loading the next.
        var kept: [MiniKit.MiniProgram] = []
        let result = try Measure.latency(iterations: 50) {
            // What a shell does: check the hash, unzip in memory with every limit, parse and check all pages.
            let actual = PackageReference.digest(of: package)
            precondition(actual == digest)
            let loaded = MiniProgram.load(package: package)
            guard let program = loaded.program else { preconditionFailure("\(loaded.diagnostics)") }
            kept.append(program)
        }
        kept.removeAll()
        Measure.reportLatency("verify + unzip + parse + check", result, goal: 10, onMedian: true)
        heldInMemory(package: package, sourceBytes: files.totalSize)
        // The same for a real sample app, when run from the repository (make bench does).
        let sample = URL(fileURLWithPath: "sample-apps/car-insurance")
        if let sampleFiles = try? PackageFiles.read(folder: sample), let samplePackage = try? sampleFiles.pack() {
            for _ in 0..<20 { _ = MiniProgram.load(sampleFiles) }  // warm up after freeing the big programs
            let sampleResult = try Measure.latency(iterations: 200) {
                _ = SHA256.hash(data: samplePackage)
                let unpacked = try PackageFiles.unpack(samplePackage)
                precondition(MiniProgram.load(unpacked).program != nil)
            }
            Measure.reportLatency(
                "sample-apps/car-insurance (\(samplePackage.count / 1024) KB, \(sampleFiles.totalSize / 1024) KB unpacked)",
                sampleResult, goal: nil)
        }
        if ProcessInfo.processInfo.environment["BENCH_STAGES"] != nil {
            let unzip = try Measure.latency(iterations: 20) { _ = try PackageFiles.unpack(package) }
            Measure.reportLatency("  (unzip only)", unzip, goal: nil)
            let parse = Measure.latency(iterations: 20) { _ = MiniProgram.load(files) }
            Measure.reportLatency("  (parse + check only)", parse, goal: nil)
            let again = Measure.latency(iterations: 20) { _ = MiniProgram.load(package: package) }
            Measure.reportLatency("  (unzip + parse + check, again)", again, goal: nil)
            let hash = Measure.latency(iterations: 20) { _ = PackageReference.digest(of: package) }
            Measure.reportLatency("  (hash only)", hash, goal: nil)
        }
    }

    /// What one loaded program keeps on the heap, against its unpacked source (goal: at most 3 times), and what
    /// opening a page adds (the runtime compiles a page when it opens).
    static func heldInMemory(package: Data, sourceBytes: Int) {
        let before = Measure.heapInUse()
        guard let program = MiniProgram.load(try! PackageFiles.unpack(package)).program else { preconditionFailure() }
        let held = Measure.heapInUse() - before
        let ratio = Double(held) / Double(sourceBytes)
        print(
            String(
                format: "  held by one loaded program: %.2f MB, %.2f× its %.2f MB source — goal ≤ 3×: %@",
                Double(held) / 1_000_000, ratio, Double(sourceBytes) / 1_000_000, ratio <= 3 ? "met" : "NOT met"))
        let names = program.manifest.pages
        let beforePages = Measure.heapInUse()
        let pages = names.compactMap { program.page($0) }
        let perPage = Double(Measure.heapInUse() - beforePages) / Double(pages.count)
        let pageSource = Double(sourceBytes) / Double(pages.count)
        print(
            String(
                format: "  an open page (template + logic, %.1f KB of source each): %.1f KB, %.2f× its source",
                pageSource / 1000, perPage / 1000, perPage / pageSource))
        let compile = Measure.latency(iterations: 200) { _ = program.page(names[0]) }
        Measure.reportLatency("open a page (compile its markup and logic)", compile, goal: nil)
        withExtendedLifetime((program, pages)) {}
    }

    static func firstRender() throws {
        var markup = "<column>\n"
        for index in 0..<66 {
            markup +=
                "<row gap=\"1\"><text tone=\"muted\">Item \(index)</text><text>{{ values[\(index % 10)] }}</text></row>\n"
        }
        markup += "<button bindtap=\"go\">Go</button>\n</column>\n"
        let files = PackageFiles([
            "manifest.json": Data(
                #"{"id": "com.bench.render", "name": "Render", "version": "1.0.0", "category": "finance", "pages": ["index"]}"#
                    .utf8),
            "pages/index.mml": Data(markup.utf8),
            "pages/index.logic": Data("data { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }\nhandler go { stop }".utf8),
        ])
        let loaded = MiniProgram.load(files)
        guard let program = loaded.program else { throw CocoaError(.featureUnsupported) }
        let nodes = 1 + 66 * 3 + 1
        print("\nMiniKit first render: a \(nodes)-node page at 120×40")
        let policy = SandboxPolicy(grantedScopes: [], grantedDomains: [], openId: "bench")
        let result = Measure.latency(iterations: 500) {
            var runtime = MiniProgramRuntime(
                program: program, policy: policy, storage: InMemoryStorage(), width: 120, height: 40)
            _ = runtime.start()
            _ = runtime.screen()
        }
        Measure.reportLatency("start + evaluate + lay out + cut the viewport", result, goal: 1)
    }

    static func runaway() throws {
        let big = MiniValue.array((0..<200_000).map { .number(Double($0)) })
        let long = MiniValue.string(String(repeating: "x", count: 60_000))
        let scope = Scope(["items": big, "text": long])
        let attempts = [
            "len(join(items, ','))",
            "upper(text) + upper(text) + upper(text) + upper(text) + upper(text) + upper(text)",
            "contains(items, -1) || contains(items, -2) || contains(items, -3)",
            Array(repeating: "len(slice(text, 1))", count: 40).joined(separator: " + "),
        ]
        print("\nMiniKit runaway expressions: stopped by the fuel budget (\(MiniKitLimits.expressionFuel) steps)")
        var worst = (median: 0.0, p99: 0.0, max: 0.0)
        for text in attempts {
            let file = SourceFile(path: "bench", text: text)
            let expression = try ExpressionParser.parse(file, range: SourceRange(0, file.bytes.count))
            let result = Measure.latency(iterations: 20) {
                do {
                    _ = try ExpressionEvaluator.evaluate(expression, in: scope)
                    fatalError("'\(text)' was not stopped")
                } catch {
                    let kind = (error as? EvaluationError)?.kind
                    precondition(kind == .fuel || kind == .size, "\(error)")
                }
            }
            if result.p99 > worst.p99 { worst = result }
        }
        Measure.reportLatency("worst of \(attempts.count) attempts, time to stop", worst, goal: 10)
    }
}
