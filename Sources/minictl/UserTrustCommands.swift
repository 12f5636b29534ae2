import ArgumentParser
import Catalog
import CatalogAPI
import Foundation
import MiniSupport

/// `--user-key` and `--client-property`: whom a host app's catalog believes about its users.
struct UserTrustOptions: ParsableArguments {
    @Option(
        name: .customLong("user-key"),
        help: ArgumentHelp(
            "A public key (base64) the host's backend signs user assertions with (repeatable, at most 4).",
            valueName: "BASE64"))
    var userKeys: [String] = []

    @Option(
        name: .customLong("client-property"),
        help: ArgumentHelp(
            "A property the host's shells may state for themselves in the catalog query (repeatable).",
            valueName: "NAME"))
    var clientProperties: [String] = []

    /// The request fields, checked as the server checks them.
    func request() throws -> HostUserTrust {
        let members: JSONValue = [
            "userKeys": .array(userKeys.map(JSONValue.string)),
            "clientProperties": .array(clientProperties.map(JSONValue.string)),
        ]
        do {
            return try HostUserTrust(json: JSONCursor(members))
        } catch {
            throw ValidationError(
                "\(error.message) (\(error.path.contains("userKeys") ? "--user-key" : "--client-property"))")
        }
    }
}

extension Host {
    struct UserTrust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user-trust",
            abstract: "Set whom a host app's catalog believes about its users (ops, or the host's hostops).",
            discussion: """
                Replaces the host's user-signing keys and client-supplied properties. Catalogs are resolved only \
                for users whose assertion is signed by one of the keys; to change keys without an outage, add the \
                new key next to the old one, move the host's backend to it, then set the new key alone. A property \
                named with --client-property may come from the shell's own query (p.NAME=VALUE) when the \
                assertion does not carry it; every other property comes only from the assertion.
                """)
        @Argument(help: "The host id.") var id: String
        @OptionGroup var trust: UserTrustOptions
        @OptionGroup var platform: PlatformOptions
        func run() async throws {
            let body = try trust.request()
            let reply = try await platform.client().call(CatalogAPI.setUserTrust, ["hostId": id], json: body.jsonValue)
            emit(reply, json: platform.json) {
                let keys = ((try? JSONCursor(reply).require("userKeys").array()) ?? []).compactMap {
                    try? VerificationKey(base64: $0.string()).keyID.rawValue
                }
                let properties = ((try? JSONCursor(reply).require("clientProperties").array()) ?? []).compactMap {
                    try? $0.string()
                }
                return
                    "host \(id): user keys \(keys.isEmpty ? "none (no catalog for anyone)" : keys.joined(separator: ", ")); "
                    + "client properties \(properties.isEmpty ? "none" : properties.joined(separator: ", "))"
            }
        }
    }
}
