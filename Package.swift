// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "MiniCatalog",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "catalogd", targets: ["catalogd"]),
        .executable(name: "termshell", targets: ["termshell"]),
        .executable(name: "minictl", targets: ["minictl"]),
        .library(name: "MiniKit", targets: ["MiniKit"]),
        .library(name: "Catalog", targets: ["Catalog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: Pure libraries (no terminal, no network)

        /// Small shared vocabulary: JSON values with a bounded parser and JSON-path cursors, semantic versions,
        /// hex, RFC 3339 timestamps, white-space trimming. Foundation only.
        .target(name: "MiniSupport"),
        /// Cells of a terminal screen, wide-character aware, and the diff between two frames. No terminal.
        .target(name: "TerminalCells"),
        /// The platform's HTTP API written once: endpoints (paths, credentials, queries, bodies), schemas and
        /// the request bodies as types, used by the server, its OpenAPI document, minictl and the shell's agent.
        .target(name: "CatalogAPI", dependencies: ["Catalog", "MiniSupport"]),
        /// The mini-program format and its sandboxed runtime.
        .target(
            name: "MiniKit",
            dependencies: [
                "MiniSupport", "TerminalCells", "CZlibInflate",
                // Writes packages (`pack`) only: uploads are read by MiniKit's own strict zip reader.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /// The system zlib, for MiniKit's bounded inflate of package entries (ZIPFoundation's module of it is
        /// named CZlib, hence the longer name).
        .systemLibrary(name: "CZlibInflate", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        /// glibc's heap statistics, for the benchmarks' "held in memory" numbers.
        .systemLibrary(name: "CHeapStats"),
        .systemLibrary(name: "CEpoll"),
        /// A scripted host for previews and tests: consent answers, fake payment, canned network replies.
        .target(name: "MiniKitSimulator", dependencies: ["MiniKit", "MiniSupport", "TerminalCells"]),
        /// Shared catalog model, wire types, gray-release engine, signing and verification.
        .target(
            name: "Catalog",
            dependencies: [
                "MiniSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /// Test doubles for Catalog users: a manual clock, fixture keys.
        .target(name: "CatalogTestSupport", dependencies: ["Catalog"]),
        /// The management platform behind `catalogd`.
        .target(
            name: "CatalogServer",
            dependencies: [
                "Catalog", "CatalogAPI", "MiniKit", "MiniSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// The PostgreSQL store several catalogd replicas share (postgres-nio, no ORM): the only target that
        /// imports it.
        .target(
            name: "CatalogPostgres",
            dependencies: [
                "CatalogServer", "Catalog", "CatalogAPI", "MiniKit", "MiniSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// The super-app front-end: state, reducer, screens.
        /// Text snapshots for screen tests (after swift-argument-parser's helper).
        .target(name: "SnapshotSupport"),
        /// A real catalogd on loopback for integration tests and benchmarks.
        .target(
            name: "ServerTestSupport",
            dependencies: [
                "CatalogServer", "Catalog", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// The shell's sync agent: verified catalog sync, package cache, recall, the launch gate. The network is
        /// behind `CatalogTransport` (libcurl in CatalogCurl; doubles in tests).
        .target(
            name: "ShellAgent",
            dependencies: [
                "Catalog", "CatalogAPI", "MiniKit", "MiniSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(name: "TermShell", dependencies: ["MiniKit", "MiniSupport", "TerminalCells"]),

        /// Connects the screens to the sync agent (sessions per signed-in user).
        .target(
            name: "TermShellRuntime",
            dependencies: [
                "TermShell", "ShellAgent", "Catalog", "CatalogAPI", "MiniKit", "MiniSupport", "TerminalCells",
            ]),

        // MARK: The only two targets that touch C libraries

        .systemLibrary(
            name: "CNCursesW",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        /// The ncurses terminal backend: the only target that imports ncurses.
        .target(name: "TermShellCurses", dependencies: ["CNCursesW", "TermShell", "TerminalCells"]),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        /// The HTTP client over libcurl: the only target that imports libcurl.
        .target(name: "CatalogCurl", dependencies: ["CCurl", "ShellAgent", "MiniSupport"]),

        // MARK: Executables (thin: parse arguments, call a library)

        .executableTarget(
            name: "catalogd",
            dependencies: [
                "CatalogServer", "CatalogPostgres", "Catalog", "MiniSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "termshell",
            dependencies: [
                "TermShell", "TermShellCurses", "TermShellRuntime", "CatalogCurl", "ShellAgent", "Catalog", "MiniKit",
                "MiniSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["termshell.order"],
            // Release: lld with packed relative relocations (still position-independent, a fraction of the pages
            // to relocate at start), no symbol table exported to the dynamic linker, and the functions a profiled
            // session runs placed side by side. With `make release` (static Swift runtime, a section per
            // function) the super-app is about 25 MB resident instead of 44; measured in docs/PERFORMANCE.md.
            // Debug builds (the tests) link as usual.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-Xclang-linker", "-fuse-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                        "-Xlinker", "--no-export-dynamic", "-Xlinker", "--icf=safe",
                        // The functions a session runs, side by side (scripts/profile-termshell.sh writes it).
                        "-Xlinker",
                        "--symbol-ordering-file=\(Context.packageDirectory)/Sources/termshell/termshell.order",
                        "-Xlinker", "--no-warn-symbol-ordering",
                    ], .when(platforms: [.linux], configuration: .release))
            ]
        ),
        .executableTarget(
            name: "minictl",
            dependencies: [
                "Catalog", "CatalogAPI", "MiniKit", "MiniKitSimulator", "MiniSupport", "TerminalCells",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "minicatalog-bench",
            dependencies: [
                "Catalog", "CatalogAPI", "MiniKit", "MiniSupport", "TerminalCells", "CatalogServer", "ShellAgent",
                "CatalogCurl",
                "ServerTestSupport", "TermShell", "TermShellCurses", "CHeapStats", "CEpoll",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// The libFuzzer harnesses behind `make fuzz`, one per parser of untrusted bytes; the first argument names
        /// the harness (docs/SECURITY.md). Built without `make fuzz`, it only says how to run them.
        .executableTarget(
            name: "minicatalog-fuzz",
            dependencies: ["MiniKit", "MiniSupport", "Catalog", "CatalogAPI", "ShellAgent", "CatalogServer"]),

        // MARK: Tests

        .testTarget(
            name: "MiniKitTests",
            dependencies: [
                "MiniKit", "MiniKitSimulator", "MiniSupport", "TerminalCells", "SnapshotSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            // Text snapshots, read and recorded in place beside the tests (SnapshotSupport).
            exclude: ["Snapshots"]
        ),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "CatalogTestSupport", "MiniKit", "MiniSupport"]),
        .testTarget(name: "CatalogConformanceTests", dependencies: ["Catalog", "MiniSupport"]),
        .testTarget(
            name: "CatalogServerTests",
            dependencies: [
                "CatalogServer", "CatalogPostgres", "Catalog", "CatalogAPI", "CatalogTestSupport", "MiniKit",
                "MiniSupport",
                "ServerTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(
            name: "ShellAgentTests",
            dependencies: [
                "ShellAgent", "CatalogCurl", "Catalog", "MiniKit", "MiniSupport", "CatalogServer", "ServerTestSupport",
                "CatalogTestSupport",
            ]),
        .testTarget(
            name: "TermShellTests",
            dependencies: [
                "TermShell", "TermShellCurses", "TermShellRuntime", "MiniKit", "TerminalCells", "SnapshotSupport",
                "ShellAgent", "CatalogCurl", "ServerTestSupport", "Catalog", "CatalogAPI",
            ],
            // Text snapshots, read and recorded in place beside the tests (SnapshotSupport).
            exclude: ["Snapshots"]),
        .testTarget(
            name: "CatalogCurlTests",
            dependencies: [
                "CatalogCurl", "ShellAgent", "CatalogServer", "Catalog", "ServerTestSupport",
            ]),
        .testTarget(
            // The built programs end to end: catalogd, minictl and termshell as processes, tmux for the screens,
            // kill -9 for faults.
            name: "EndToEndTests",
            dependencies: [
                "Catalog", "CatalogTestSupport", "MiniSupport", "ServerTestSupport", "CatalogServer", "ShellAgent",
                "CatalogCurl",
            ]),
    ],
    swiftLanguageModes: [.v6]
)

// Every Swift target: imports say what a file uses, and existential types are spelled `any`.
for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("MemberImportVisibility"), .enableUpcomingFeature("ExistentialAny"),
        ]
}
