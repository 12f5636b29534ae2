// The libFuzzer harnesses behind `make fuzz` (docs/SECURITY.md, "Fuzzing"): one driver, the first argument names
// the harness and the rest goes to libFuzzer:
//
//     minicatalog-fuzz package -runs=1000000 corpus/
//
// Only `make fuzz` builds the driver (`-sanitize=fuzzer,address -DFUZZING`). SwiftPM renames an executable's
// entry point to `minicatalog_fuzz_main` and points `main` at it, so libFuzzer's own `main` never runs: ours
// hands the arguments to `LLVMFuzzerRunDriver`. An ordinary build compiles the harnesses (so they keep up with
// the parsers) and only says how to run them (no file here is main.swift: `-parse-as-library` refuses top-level
// code even in an inactive `#if` branch).

#if FUZZING
    import Foundation

    /// libFuzzer's driver (in the fuzzer runtime that `-sanitize=fuzzer` links); it parses libFuzzer's flags.
    @_silgen_name("LLVMFuzzerRunDriver")
    private func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// The harness this process runs: set once, before libFuzzer starts calling back.
    nonisolated(unsafe) private var selectedHarness: Harness?

    @_cdecl("minicatalog_fuzz_main")
    func minicatalogFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
        let arguments = (0..<Int(argc)).map { argv[$0].map { String(cString: $0) } ?? "" }
        let usage =
            "usage: minicatalog-fuzz HARNESS [libFuzzer flags and corpus folders]\n"
            + "       minicatalog-fuzz list                 (the harnesses' names)\n"
            + "       minicatalog-fuzz write-seeds FOLDER   (writes the signed and packed seeds)\n"
            + "harnesses: \(Harness.allCases.map(\.rawValue).joined(separator: ", "))\n"
        guard arguments.count >= 2 else {
            FileHandle.standardError.write(Data(usage.utf8))
            return 2
        }
        if arguments[1] == "list" {
            print(Harness.allCases.map(\.rawValue).joined(separator: " "))
            return 0
        }
        if arguments[1] == "write-seeds", arguments.count == 3 {
            do {
                try Seeds.write(to: URL(fileURLWithPath: arguments[2]))
                return 0
            } catch {
                FileHandle.standardError.write(Data("minicatalog-fuzz: \(error)\n".utf8))
                return 1
            }
        }
        guard let harness = Harness(rawValue: arguments[1]) else {
            FileHandle.standardError.write(Data("minicatalog-fuzz: no harness '\(arguments[1])'\n\(usage)".utf8))
            return 2
        }
        selectedHarness = harness
        // libFuzzer sees the program name and everything after the harness name. The array lives as long as the
        // process: libFuzzer keeps pointers into it.
        var count = argc - 1
        let rest = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: Int(argc))
        rest[0] = argv[0]
        for index in 2..<Int(argc) { rest[index - 1] = argv[index] }
        rest[Int(argc) - 1] = nil
        var restPointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = rest
        return LLVMFuzzerRunDriver(&count, &restPointer) { bytes, size in
            guard let harness = selectedHarness else { return 0 }
            harness.run(bytes.map { Data(bytes: $0, count: size) } ?? Data())
            return 0
        }
    }
#else
    import Foundation

    /// Without libFuzzer there is nothing to run.
    @main
    enum FuzzingNotBuilt {
        static func main() {
            FileHandle.standardError.write(
                Data(
                    "minicatalog-fuzz: built without libFuzzer; build and run it with make fuzz (docs/SECURITY.md)\n"
                        .utf8))
            exit(2)
        }
    }
#endif
