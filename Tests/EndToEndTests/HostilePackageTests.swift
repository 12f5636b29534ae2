import Catalog
import CatalogTestSupport
import Foundation
import MiniSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Packages built to stop the platform, sent as a partner's developer would: through `minictl check` and
/// through the real server. Each is refused at once; the server stays up and keeps no memory of them.
struct HostilePackageTests {
    static func bytes(hex: String) -> Data {
        var data = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            data.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return data
    }

    /// Only an end-of-central-directory record, its directory offset past the end (a trap in a zip library).
    static let endRecordOnly = bytes(hex: "504b050600000000010001002e000000000100000000")
    /// One deflate entry: a non-final stored block of 65,535 bytes with only `{}` after it (a zip library's
    /// inflate looped on it forever).
    static let stuckDeflate = bytes(
        hex:
            "504b03041400000008000000210043bfa6a307000000020000000d0000006d616e69666573742e6a736f6e00ffff00007b7d"
            + "504b01021e031400000008000000210043bfa6a307000000020000000d0000000000000000000000a481000000006d616e"
            + "69666573742e6a736f6e504b050600000000010001003b000000320000000000")
    /// 2 MB of random bytes (a zip library kept every such body it could not open).
    static let noise: Data = {
        var state: UInt64 = 0x5EED
        return Data(
            (0..<(2 * 1024 * 1024)).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 33)
            })
    }()

    @Test("minictl check refuses each hostile package with its reason, and returns")
    func check() async throws {
        let folder = try TemporaryDirectory()
        for (name, data, reason) in [
            ("end-record.zip", Self.endRecordOnly, "does not end where its end record starts"),
            ("stuck.zip", Self.stuckDeflate, "its deflate stream is cut short"),
            ("noise.zip", Self.noise, "not a readable zip archive"),
            ("bomb.zip", Self.lyingBomb, "unpacks to more than the size its header declares"),
        ] {
            let file = folder.url.appendingPathComponent(name)
            try data.write(to: file)
            let result = try await CommandRunner.run("minictl", ["check", file.path], timeout: 60)
            #expect(result.status == 1, "\(name): \(result.stderr)")
            #expect((result.stdout + result.stderr).contains(reason), "\(name): \(result.stdout)\(result.stderr)")
        }
    }

    /// One entry that claims 1,000 bytes and inflates to 100 MiB of zeros, in 0.6 MB.
    static let lyingBomb = LyingDeflateBomb.package(megabytes: 100)

    /// Resident memory of a process, in MiB.
    static func residentMiB(_ pid: Int32) throws -> Double {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = try #require(Double(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        return kilobytes / 1024
    }

    @Test("the server answers each hostile upload 422, stays up, and holds no memory of 300 of them")
    func server() async throws {
        let folder = try TemporaryDirectory()
        let data = folder.url.appendingPathComponent("data")
        let developer = try await PlatformCommandTests.token(data, "dev-hostile", "developer:carins")
        let (server, url, _) = try await PlatformCommandTests.serve(data, ["--seed", CrashRecoveryTests.seeds.path])
        defer { stopInBackground(server) }
        let base = try #require(URL(string: url))
        let upload = base.appendingPathComponent("v1/apps/com.carins.quote/versions")
        func healthy() async -> Bool {
            var request = URLRequest(url: base.appendingPathComponent("healthz"))
            request.timeoutInterval = 5
            let answer = try? await URLSession.shared.data(for: request)
            return (answer?.1 as? HTTPURLResponse)?.statusCode == 200
        }
        // Twice each: two stuck uploads were what stopped the server answering.
        for (name, package) in [
            ("end record", Self.endRecordOnly), ("stuck deflate", Self.stuckDeflate), ("noise", Self.noise),
            ("lying deflate bomb", Self.lyingBomb),
        ] {
            for _ in 0..<2 {
                let started = Date()
                let answer = await CrashRecoveryTests.send(
                    "POST", upload, token: developer, body: package, type: "application/zip")
                let (status, problem) = try #require(answer, "\(name): no answer")
                #expect(status == 422, "\(name)")
                #expect(try problem.require("code").string() == "invalid-package", "\(name)")
                print("hostile upload \(name): 422 in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
                #expect(await healthy(), "\(name): /healthz answers afterwards")
            }
        }
        // Memory: settle with a few, then 300 more; a leak of the bodies would add 600 MB.
        for _ in 0..<20 {
            _ = await CrashRecoveryTests.send(
                "POST", upload, token: developer, body: Self.noise, type: "application/zip")
        }
        let before = try Self.residentMiB(server.processIdentifier)
        var refused = 0
        for _ in 0..<300 {
            let answer = await CrashRecoveryTests.send(
                "POST", upload, token: developer, body: Self.noise, type: "application/zip")
            if answer?.0 == 422 { refused += 1 }
        }
        let after = try Self.residentMiB(server.processIdentifier)
        print(
            "catalogd resident memory: \(Int(before)) MiB before 300 garbage uploads of 2 MB, \(Int(after)) MiB after")
        #expect(refused == 300)
        #expect(after - before < 64, "resident memory grew from \(before) MiB to \(after) MiB")
        #expect(await healthy())
    }
}
