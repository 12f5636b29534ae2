import ArgumentParser
import CatalogAPI
import Foundation
import MiniSupport

/// `minictl device`: the shell installations enrolled with the host apps (ops).
struct Device: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Enrolled devices: list them, revoke one (ops; hostops for its own hosts).",
        discussion: """
            A shell enrols once with its host app's key and its own device key; from then on it is a device, and \
            only its signed acknowledgements count in 'minictl status'. A revoked device's requests are refused \
            for good: a shell that was reported stolen, or that sent what it should not.
            """,
        subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List enrolled devices: id, host, key id, when enrolled and last seen, revoked or not.")
        @Option(help: ArgumentHelp("Only this host app's devices.", valueName: "HOST")) var host: String?
        @OptionGroup var platform: PlatformOptions

        func run() async throws {
            let reply = try await platform.client().call(CatalogAPI.devices, query: host.map { [("host", $0)] } ?? [])
            emit(reply, json: platform.json) {
                var table = TextTable("DEVICE", "HOST", "KEY ID", "ENROLLED", "LAST SEEN", "REVOKED")
                for device in (try? JSONCursor(reply).require("devices").array()) ?? [] {
                    let revoked =
                        (try? device.field("revokedAt")) == nil
                        ? "-" : "\(device.text("revokedAt")): \(device.text("revokeReason"))"
                    table.add(
                        device.text("id"), device.text("hostId"), String(device.text("keyid").prefix(16)),
                        device.text("enrolledAt"), device.text("lastSeen"), revoked)
                }
                return table.rendered
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Revoke a device for good (ops, or its host's hostops): its token stops working and its key cannot enrol again."
        )
        @Argument(help: "The device id (minictl device list shows it).") var id: String
        @Option(help: "Why (4 to 500 characters; the audit log keeps it).") var reason: String
        @OptionGroup var platform: PlatformOptions

        func validate() throws {
            guard (4...500).contains(reason.count) else { throw ValidationError("--reason: 4 to 500 characters") }
        }

        func run() async throws {
            let reply = try await platform.client().call(
                CatalogAPI.revokeDevice, ["deviceId": id], json: ReasonRequest(reason: reason).jsonValue)
            emit(reply, json: platform.json) { "revoked device \(id)" }
        }
    }
}
