import Catalog
import Foundation
import MiniSupport
import Testing

/// Runs the Unleash client specification (read in place from ../shared, or from `UNLEASH_SPEC_DIR`).
struct UnleashSpecificationTests {
    static let directory: URL = {
        if let override = ProcessInfo.processInfo.environment["UNLEASH_SPEC_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/conformance/unleash-client-spec")
    }()

    static let files: [String] = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("index.json")),
            let names = try? JSONDecoder().decode([String].self, from: data)
        else { return [] }
        return names
    }()

    struct Case {
        var description: String
        var toggle: String
        var context: GrayContext
        var expected: JSONValue
        var isVariant: Bool
    }

    static func load(_ file: String) throws -> (FeatureState, [Case]) {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        let root = JSONCursor(try JSONValue.parse(data))
        let state = try FeatureState(json: try root.require("state"))
        var cases: [Case] = []
        for (key, isVariant) in [("tests", false), ("variantTests", true)] {
            for item in try root.arrayField(key) {
                cases.append(
                    Case(
                        description: try item.require("description").string(),
                        toggle: try item.require("toggleName").string(),
                        context: try GrayContext(json: try item.require("context")),
                        expected: try item.require("expectedResult").value,
                        isVariant: isVariant))
            }
        }
        return (state, cases)
    }

    @Test("the specification is present: 22 files")
    func specificationIsPresent() {
        #expect(Self.files.count == 22, "no specification at \(Self.directory.path); set UNLEASH_SPEC_DIR")
    }

    @Test("every case of a specification file passes", arguments: files)
    func specificationFile(_ file: String) throws {
        let (state, cases) = try Self.load(file)
        let engine = GrayEngine(state: state)
        #expect(!cases.isEmpty)
        for specCase in cases {
            let actual: JSONValue =
                specCase.isVariant
                ? engine.variant(specCase.toggle, context: specCase.context).jsonValue
                : .bool(engine.isEnabled(specCase.toggle, context: specCase.context))
            #expect(
                actual == specCase.expected,
                "\(file): \(specCase.description)\n  expected \(specCase.expected.serialized())\n  got      \(actual.serialized())\n\(engine.explain(specCase.toggle, context: specCase.context).explanation.text)"
            )
        }
    }

    @Test("all 279 cases run")
    func allCasesRun() throws {
        var total = 0
        var passed = 0
        for file in Self.files {
            let (state, cases) = try Self.load(file)
            let engine = GrayEngine(state: state)
            for specCase in cases {
                total += 1
                let actual: JSONValue =
                    specCase.isVariant
                    ? engine.variant(specCase.toggle, context: specCase.context).jsonValue
                    : .bool(engine.isEnabled(specCase.toggle, context: specCase.context))
                if actual == specCase.expected { passed += 1 }
            }
        }
        print("Unleash client specification: \(total) cases run, \(passed) passed, \(total - passed) failed")
        #expect(total == 279)
        #expect(passed == total)
    }
}
