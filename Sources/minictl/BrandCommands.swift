import ArgumentParser
import Catalog
import CatalogAPI
import Foundation
import MiniSupport

extension Host {
    struct Brand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set how a host app presents itself to its customers (ops, or the host's hostops).",
            discussion: """
                The title its shells show, an accent colour for their title bar, and the customer's word for the \
                service centre, in English and optionally Chinese. The brand is signed into the host's catalogs, \
                so its shells show it from their next sync.
                """)
        @Argument(help: "The host id.") var id: String
        @Option(help: "The title (1 to 30 characters).") var title: String
        @Option(name: .customLong("title-zh"), help: "The title in Chinese.") var titleZh: String?
        @Option(help: "The accent: \(HostBrand.Accent.allCases.map(\.rawValue).joined(separator: ", ")).")
        var accent: String
        @Option(help: "The customer's word for services (1 to 24 characters).") var services: String
        @Option(name: .customLong("services-zh"), help: "The word for services in Chinese.") var servicesZh: String?
        @OptionGroup var platform: PlatformOptions

        func validate() throws {
            _ = try request()
        }

        /// The request, checked as the server checks it.
        func request() throws -> HostBrandRequest {
            var members: [String: JSONValue] = [
                "title": .string(title), "accent": .string(accent), "services": .string(services),
            ]
            if let titleZh { members["titleZh"] = .string(titleZh) }
            if let servicesZh { members["servicesZh"] = .string(servicesZh) }
            do {
                return try HostBrandRequest(json: JSONCursor(.object(members)))
            } catch {
                let option = error.path.split(separator: ".").last.map { "--\($0)" } ?? ""
                throw ValidationError("\(error.message) (\(option.replacingOccurrences(of: "Zh", with: "-zh")))")
            }
        }

        func run() async throws {
            let reply = try await platform.client().call(
                CatalogAPI.setBrand, ["hostId": id], json: try request().jsonValue)
            emit(reply, json: platform.json) { "\(id): brand \"\(title)\", \(accent), \"\(services)\"" }
        }
    }
}
