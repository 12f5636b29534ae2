import Catalog
import Foundation
import MiniSupport
import ShellAgent

/// What one recall costs a shell, step by step (single-threaded, median of 3 rounds of 1,000).
enum RecallSteps {
    static func run() throws {
        print("\nrecall steps, one shell's work per delisting (1,000 repetitions each)")
        let key = SigningKey.generate()
        let event = CatalogEvent(
            hostId: "mbank", sequence: 42, catalogVersion: 42, issuedAt: Date(),
            expiresAt: Date().addingTimeInterval(3600),
            kind: .delisted, appId: "com.carins.quote", version: nil, reason: "recall benchmark")
        let frame = try WireFormat.encoder().encode(try SignedEnvelope.sign(event, with: [key]))
        let policy = VerificationPolicy(trustedKeys: [key.verificationKey], hostId: "mbank", userId: "u-1")
        let decode = Measure.measure(rounds: 3) {
            for _ in 0..<1_000 { _ = try? WireFormat.decoder().decode(SignedEnvelope.self, from: frame) }
            return 1_000
        }
        Measure.report("decode the event envelope (JSONDecoder)", decode, unit: "envelopes/s", goal: nil)
        let envelope = try WireFormat.decoder().decode(SignedEnvelope.self, from: frame)
        let verify = Measure.measure(rounds: 3) {
            for _ in 0..<1_000 { _ = try? EnvelopeVerifier(policy: policy).verify(envelope, as: CatalogEvent.self) }
            return 1_000
        }
        Measure.report("verify signature + decode the event", verify, unit: "events/s", goal: nil)

        let root = FileManager.default.temporaryDirectory.appendingPathComponent("steps-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try ShellStore(directory: root)
        let packages = try PackageCache(dataDirectory: root)
        let bytes = Data(repeating: 7, count: 4_096)
        var round = 0
        var transaction = Duration.zero
        let recall = Measure.measure(rounds: 3) {
            round += 1
            for index in 0..<1_000 {
                let app = "app-\(round)-\(index)"
                let sha = String(format: "%064d", round * 10_000 + index)
                _ = try? store.recordInstalled(
                    ShellStore.InstalledPackage(appId: app, version: .init(1, 0, 0), sha256: sha, size: 4_096),
                    host: "mbank", at: Date())
                try? packages.install(bytes, sha256: sha)
            }
            let clock = ContinuousClock()
            var total = Duration.zero
            for index in 0..<1_000 {
                let start = clock.now
                let removed =
                    (try? store.recall(
                        Tombstone(appId: "app-\(round)-\(index)", delistedAt: Date(), reason: "x", sequence: 1),
                        host: "mbank", name: "App", at: Date(), lastEvent: (UInt64(index + 1), Date()), log: "recall"))
                    ?? []
                let middle = clock.now
                for sha in removed { packages.remove(sha) }
                total += clock.now - start
                transaction += middle - start
            }
            // Report only the recall part: installs above are set-up.
            let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
            return Int(1_000 / seconds)
        }
        print(
            String(
                format: "  record the recall (one transaction) + delete the package folder: %.1f µs each",
                1e6 / recall.median * 1))
        print("  of which the transaction: \(Measure.micros(transaction / 3000))")
        // 1,000 stores, one recall each: what a fleet of shells does (each connection recalls once).
        for warm in [false, true] {
            let root2 = FileManager.default.temporaryDirectory.appendingPathComponent("steps2-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root2) }
            var stores: [(ShellStore, PackageCache)] = []
            for index in 0..<1_000 {
                let folder = root2.appendingPathComponent("\(index)")
                let store = try ShellStore(directory: folder)
                let cache = try PackageCache(dataDirectory: folder)
                let sha = String(format: "%064d", index)
                _ = try store.recordInstalled(
                    ShellStore.InstalledPackage(appId: "app", version: .init(1, 0, 0), sha256: sha, size: 4_096),
                    host: "mbank", at: Date())
                try cache.install(bytes, sha256: sha)
                if warm { try store.prepareForRecalls() }
                stores.append((store, cache))
            }
            let clock = ContinuousClock()
            let start = clock.now
            var txn = Duration.zero
            for (index, (store, cache)) in stores.enumerated() {
                let t0 = clock.now
                let removed =
                    (try? store.recall(
                        Tombstone(appId: "app", delistedAt: Date(), reason: "x", sequence: 1), host: "mbank",
                        name: "App",
                        at: Date(), lastEvent: (UInt64(index + 1), Date()), log: "recall")) ?? nil
                txn += clock.now - t0
                for sha in removed ?? [] { cache.remove(sha) }
            }
            print(
                "  1,000 stores, one recall each\(warm ? ", statements prepared beforehand" : ""): \(Measure.micros((clock.now - start) / 1000)) per recall, of which the transaction \(Measure.micros(txn / 1000))"
            )
        }
        let folderClock = ContinuousClock()
        for index in 0..<200 { try packages.install(bytes, sha256: String(format: "%064d", 900_000 + index)) }
        let folderStart = folderClock.now
        for index in 0..<200 { packages.remove(String(format: "%064d", 900_000 + index)) }
        print("  remove one package folder: \(Measure.micros((folderClock.now - folderStart) / 200))")
        let installStart = folderClock.now
        for index in 0..<200 { try packages.install(bytes, sha256: String(format: "%064d", 800_000 + index)) }
        print("  install one package folder: \(Measure.micros((folderClock.now - installStart) / 200))")
    }
}
