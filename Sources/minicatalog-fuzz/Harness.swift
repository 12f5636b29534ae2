// Compiled by `make fuzz` and by debug builds (which allow `@testable import`), so the harnesses keep up with
// the parsers they call; a release build without FUZZING leaves them out.
#if FUZZING || DEBUG
    import Foundation

    /// One harness per parser that reads untrusted bytes. Each takes any input without trapping: a trap, a hang or a
    /// leak is a finding. A harness may also check a property the product relies on (output it writes reads back);
    /// it stops with a message saying which when that fails.
    enum Harness: String, CaseIterable, Sendable {
        /// An uploaded package: the zip reader, inflate, the manifest and every page (`MiniProgram.load(package:)`).
        case package
        /// One page's markup: the markup lexer and parser, then the template compiler.
        case markup
        /// One page's logic file.
        case logic
        /// One expression, as between `{{` and `}}`.
        case expression
        /// A package's `manifest.json`.
        case manifest
        /// Catalog's JSON parser, which reads every body and payload.
        case json
        /// A signed catalog as a shell receives it: the envelope, its signatures, the payload and the policy checks.
        case envelope
        /// A catalog event's payload, signed with the pinned key and verified as a shell verifies events.
        case event
        /// The event stream as it arrives, in chunks whose sizes come from the input.
        case sse
        /// A device-signed acknowledgement as the server verifies, reads and stores it.
        case ack
        /// A device's signed enrolment as the server verifies it.
        case enrolment
        /// The server's key rotation statements as a shell fetches and follows them from its pinned key.
        case rotation
        /// A user assertion as the catalog route reads it from its header and verifies it with the host's keys.
        case assertion
        /// The server's JSON request bodies (listing actions, hosts, segments, partners, apps, reasons), and the gray
        /// audience a release body describes, resolved for a few users.
        case request

        func run(_ data: Data) {
            switch self {
            case .package: MiniKitHarnesses.package(data)
            case .markup: MiniKitHarnesses.markup(data)
            case .logic: MiniKitHarnesses.logic(data)
            case .expression: MiniKitHarnesses.expression(data)
            case .manifest: MiniKitHarnesses.manifest(data)
            case .json: CatalogHarnesses.json(data)
            case .envelope: CatalogHarnesses.envelope(data)
            case .event: CatalogHarnesses.event(data)
            case .sse: ShellHarnesses.serverSentEvents(data)
            case .ack: ServerHarnesses.acknowledgement(data)
            case .enrolment: ServerHarnesses.enrolment(data)
            case .assertion: ServerHarnesses.userAssertion(data)
            case .rotation: CatalogHarnesses.rotation(data)
            case .request: ServerHarnesses.requestBodies(data)
            }
        }
    }

    /// Stops the run on a broken property, so that libFuzzer saves the input.
    func fuzzFinding(_ message: String) -> Never {
        fatalError("fuzz finding: \(message)")
    }
#endif
