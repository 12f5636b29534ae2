import MiniSupport

#if FUZZING || DEBUG
    import Catalog
    import Foundation
    @testable import MiniKit

    /// The seeds that are made rather than copied: envelopes signed with the fixed key, events and acknowledgements
    /// as the wire encoder writes them, and the sample apps packed. `minicatalog-fuzz write-seeds Tests/FuzzCorpus`
    /// (from the repository, which has `sample-apps/`) writes them next to the copied ones.
    enum Seeds {
        static func write(to folder: URL) throws {
            let issued = FuzzFixtures.now.addingTimeInterval(-3600)
            let expires = FuzzFixtures.now.addingTimeInterval(86_400)
            let encoder = WireFormat.encoder()
            func save(_ harness: Harness, _ name: String, _ data: Data) throws {
                let directory = folder.appendingPathComponent(harness.rawValue)
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try data.write(to: directory.appendingPathComponent(name))
            }
            func version(_ text: String) throws -> SemanticVersion {
                guard let version = SemanticVersion(text) else { throw CocoaError(.formatting) }
                return version
            }

            let catalog = CatalogSnapshot(
                hostId: FuzzFixtures.hostId, userId: FuzzFixtures.userId, catalogVersion: 12, eventSequence: 9,
                issuedAt: issued, expiresAt: expires,
                entries: [
                    CatalogEntry(
                        appId: "com.carins.quote", name: "Car insurance", category: "insurance",
                        version: try version("2.3.0"),
                        package: PackageReference(sha256: String(repeating: "ab", count: 32), size: 4_812),
                        grantedScopes: ["userInfo", "payment"], grantedDomains: ["api.carins.example"], gray: true),
                    CatalogEntry(
                        appId: "com.bank.bills", name: "Bills", category: "payments", version: try version("1.0.1"),
                        package: PackageReference(sha256: String(repeating: "0f", count: 32), size: 3_100)),
                ],
                tombstones: [
                    Tombstone(appId: "com.old.app", delistedAt: issued, reason: "licence withdrawn", sequence: 8)
                ], expiryGraceSeconds: 600)
            let empty = CatalogSnapshot(
                hostId: FuzzFixtures.hostId, userId: FuzzFixtures.userId, catalogVersion: 1, eventSequence: 0,
                issuedAt: issued, expiresAt: expires, entries: [], tombstones: [])
            guard let other = try? SigningKey(rawRepresentation: Data(repeating: 0x07, count: 32)) else {
                throw CocoaError(.formatting)
            }
            try save(
                .envelope, "catalog.json",
                try encoder.encode(try SignedEnvelope.sign(catalog, with: [FuzzFixtures.key])))
            try save(
                .envelope, "empty-catalog.json",
                try encoder.encode(try SignedEnvelope.sign(empty, with: [FuzzFixtures.key])))
            try save(
                .envelope, "two-signatures.json",
                try encoder.encode(try SignedEnvelope.sign(catalog, with: [other, FuzzFixtures.key])))

            let events = [
                CatalogEvent(
                    hostId: FuzzFixtures.hostId, sequence: 10, catalogVersion: 13, issuedAt: issued, expiresAt: expires,
                    kind: .published, appId: "com.carins.quote", version: try version("2.4.0")),
                CatalogEvent(
                    hostId: FuzzFixtures.hostId, sequence: 11, catalogVersion: 14, issuedAt: issued, expiresAt: expires,
                    kind: .delisted, appId: "com.old.app", reason: "licence withdrawn"),
                CatalogEvent(
                    hostId: FuzzFixtures.hostId, sequence: 12, catalogVersion: 15, issuedAt: issued, expiresAt: expires,
                    kind: .rolledBack, appId: "com.carins.quote", version: try version("2.3.0-rc.1+build.7")),
            ]
            for event in events {
                try save(.event, "\(event.kind.rawValue).json", try encoder.encode(event))
            }
            try save(
                .envelope, "event.json",
                try encoder.encode(try SignedEnvelope.sign(events[1], with: [FuzzFixtures.key])))

            let ack = Acknowledgement(
                hostId: FuzzFixtures.hostId, deviceId: "d-3f2a9c1e5b7d9f1a3c5e7a9b", userId: FuzzFixtures.userId,
                catalogVersion: 12,
                eventSequence: 9,
                installed: [
                    .init(
                        appId: "com.carins.quote", version: try version("2.3.0"),
                        sha256: String(repeating: "ab", count: 32))
                ], purged: ["com.old.app"], sentAt: FuzzFixtures.now)
            func signed(_ ack: Acknowledgement) -> Data {
                SignedEnvelope.sign(
                    payload: ack.wireJSON, payloadType: Acknowledgement.payloadType, with: [FuzzFixtures.key]
                )
                .wireJSON
            }
            try save(.ack, "ack.json", signed(ack))
            try save(.ack, "ack-payload.json", ack.wireJSON)
            var busy = ack
            busy.installed += [
                .init(
                    appId: "com.bank.bills", version: try version("1.0.1-beta.2"),
                    sha256: String(repeating: "0f", count: 32)),
                .init(
                    appId: "com.harbour.funds", version: try version("3.10.0+7"),
                    sha256: String(repeating: "9c", count: 32)),
            ]
            try save(.ack, "ack-installed.json", signed(busy))
            var anonymous = ack
            anonymous.userId = nil
            anonymous.installed = []
            anonymous.purged = []
            try save(.ack, "ack-no-user.json", signed(anonymous))
            try save(
                .enrolment, "enrolment.json",
                DeviceEnrolment.signed(hostId: FuzzFixtures.hostId, deviceKey: FuzzFixtures.key, at: FuzzFixtures.now)
                    .wireJSON)
            try save(
                .enrolment, "enrolment-payload.json",
                DeviceEnrolment(
                    hostId: FuzzFixtures.hostId, publicKey: FuzzFixtures.key.verificationKey, issuedAt: FuzzFixtures.now
                ).wireJSON)

            let assertion = UserAssertion(
                hostId: FuzzFixtures.hostId, userId: FuzzFixtures.userId,
                properties: ["tier": "vip", "email": "li.na@bank.example", "region": "shanghai"],
                deviceId: "d-3f2a9c1e5b7d9f1a3c5e7a9b", issuedAt: FuzzFixtures.now,
                expiresAt: FuzzFixtures.now.addingTimeInterval(900))
            try save(.assertion, "assertion.json", assertion.signed(with: FuzzFixtures.key).wireJSON)
            try save(.assertion, "assertion-payload.json", assertion.wireJSON)
            try save(
                .assertion, "assertion-header.txt",
                Data(UserAssertion.headerValue(assertion.signed(with: FuzzFixtures.key)).utf8))
            var bare = assertion
            bare.properties = [:]
            bare.deviceId = nil
            try save(.assertion, "assertion-bare.json", bare.signed(with: FuzzFixtures.key).wireJSON)

            let third: SigningKey = try SigningKey(rawRepresentation: Data(repeating: 0x2C, count: 32))
            let rotations = [
                KeyRotation.signed(
                    sequence: 1, from: FuzzFixtures.key, to: FuzzFixtures.nextKey,
                    at: FuzzFixtures.now.addingTimeInterval(-7_200)),
                KeyRotation.signed(
                    sequence: 2, from: FuzzFixtures.nextKey, to: third, at: FuzzFixtures.now.addingTimeInterval(-3_600)),
            ]
            func answer(_ statements: [SignedEnvelope]) -> Data {
                Data(
                    JSONValue.object([
                        "rotations": .array(statements.map(\.jsonValue))
                    ]).serialized().utf8)
            }
            try save(.rotation, "rotations.json", answer(rotations))
            try save(.rotation, "rotations-none.json", answer([]))
            try save(
                .rotation, "rotation-payload.json",
                KeyRotation(
                    sequence: 1, previousKey: FuzzFixtures.key.verificationKey,
                    newKey: FuzzFixtures.nextKey.verificationKey, issuedAt: FuzzFixtures.now
                ).wireJSON)

            let apps = URL(fileURLWithPath: "sample-apps")
            for name in try FileManager.default.contentsOfDirectory(atPath: apps.path).sorted()
            where !name.hasSuffix(".json") {
                let files = try PackageFiles.read(folder: apps.appendingPathComponent(name))
                try save(.package, "\(name).zip", try files.pack())
                if ["bill-payment", "branch-queue"].contains(name) {
                    try save(.package, "\(name)-stored.zip", storedZip(files))
                }
            }
        }

        /// A zip whose files are stored, not deflated (as some packers write them): the package harness repairs
        /// the CRC-32 of stored entries, so mutations of their bytes reach the manifest and page parsers.
        static func storedZip(_ package: PackageFiles) -> Data {
            var archive: [UInt8] = []
            var directory: [UInt8] = []
            func append(_ value: Int, _ size: Int, to bytes: inout [UInt8]) {
                for index in 0..<size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
            }
            for path in package.paths {
                let content = [UInt8](package.files[path] ?? Data())
                let name = Array(path.utf8)
                let checksum = Int(Inflater.checksum(content))
                let offset = archive.count
                // Local header: signature, version 2.0, no flags, stored, 1980-01-01 00:00, CRC-32, sizes, name.
                for (value, size) in [
                    (0x0403_4B50, 4), (20, 2), (0, 2), (0, 2), (0, 2), (0x21, 2), (checksum, 4), (content.count, 4),
                    (content.count, 4), (name.count, 2), (0, 2),
                ] { append(value, size, to: &archive) }
                archive += name + content
                // Central record: the same, made by MS-DOS (no Unix mode), no comment, the local header's offset.
                for (value, size) in [
                    (0x0201_4B50, 4), (20, 2), (20, 2), (0, 2), (0, 2), (0, 2), (0x21, 2), (checksum, 4),
                    (content.count, 4), (content.count, 4), (name.count, 2), (0, 2), (0, 2), (0, 2), (0, 2), (0, 4),
                    (offset, 4),
                ] { append(value, size, to: &directory) }
                directory += name
            }
            let directoryOffset = archive.count
            archive += directory
            let count = package.paths.count
            for (value, size) in [
                (0x0605_4B50, 4), (0, 2), (0, 2), (count, 2), (count, 2), (directory.count, 4), (directoryOffset, 4),
                (0, 2),
            ] { append(value, size, to: &archive) }
            return Data(archive)
        }
    }
#endif
