import CatalogAPI
import Foundation
import MiniSupport

/// The OpenAPI 3.1 document of every route, served at `GET /openapi.json`, generated from ``CatalogAPI``:
/// paths, credentials, path and query parameters, and request and answer schemas. A test compares it with the
/// router, so a route cannot be added or removed without the contract following.
enum OpenAPIDocument {
    static var document: JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for endpoint in CatalogAPI.all {
            paths[endpoint.path, default: [:]][endpoint.method.rawValue.lowercased()] = operation(endpoint)
        }
        return .object([
            "openapi": "3.1.0",
            "info": .object([
                "title": "MiniCatalog management platform", "version": .string(CatalogServerVersion.current),
            ]),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object([
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer"],
                    "hostKey": ["type": "apiKey", "in": "header", "name": "X-Host-Key"],
                    "device": ["type": "http", "scheme": "bearer", "description": "an enrolled device's mdt_ token"],
                    "userAssertion": [
                        "type": "apiKey", "in": "header", "name": .string(CatalogAPI.userAssertionHeader),
                        "description":
                            "base64 of a signed user assertion envelope from the host's backend (docs/PROTOCOL.md)",
                    ],
                ],
                "schemas": .object(CatalogAPI.schemas),
            ]),
        ])
    }

    private static func content(_ mediaType: String, _ schema: String?) -> JSONValue {
        let schemaValue: JSONValue =
            schema.map { ["$ref": .string("#/components/schemas/\($0)")] } ?? .object([:])
        return .object([mediaType: .object(["schema": schemaValue])])
    }

    private static func operation(_ endpoint: Endpoint) -> JSONValue {
        var success: [String: JSONValue] = ["description": "success"]
        if let answer = endpoint.answer { success["content"] = content(answer.mediaType, answer.schema) }
        var members: [String: JSONValue] = [
            "summary": .string(endpoint.summary),
            "operationId": .string(operationId(endpoint)),
            "responses": .object([
                String(endpoint.success): .object(success),
                "default": [
                    "description": "a problem document",
                    "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]],
                ],
            ]),
        ]
        var parameters: [JSONValue] = endpoint.pathParameters.map { name in
            ["name": .string(name), "in": "path", "required": true, "schema": ["type": "string"]]
        }
        for query in endpoint.query where !query.isFamily {
            parameters.append(
                [
                    "name": .string(query.name), "in": "query", "required": .bool(query.required),
                    "description": .string(query.description), "schema": ["type": "string"],
                ])
        }
        // A family such as p.NAME is one object parameter, exploded into NAME=VALUE pairs.
        for query in endpoint.query where query.isFamily {
            parameters.append(
                [
                    "name": .string(String(query.name.dropLast("{NAME}".count)) + "properties"), "in": "query",
                    "required": false, "description": .string("\(query.name): \(query.description)"),
                    "style": "form", "explode": true,
                    "schema": ["type": "object", "additionalProperties": ["type": "string"]],
                ])
        }
        if !parameters.isEmpty { members["parameters"] = .array(parameters) }
        switch endpoint.auth {
        case .bearer: members["security"] = [["bearer": []]]
        case .hostKey: members["security"] = [["hostKey": []]]
        case .device: members["security"] = [["device": []]]
        case .deviceAndUser: members["security"] = [["device": [], "userAssertion": []]]
        case .either: members["security"] = [["bearer": []], ["device": []]]
        case .none: members["security"] = []
        }
        if let body = endpoint.body {
            members["requestBody"] = .object(["required": true, "content": content(body.mediaType, body.schema)])
        }
        return .object(members)
    }

    private static func operationId(_ endpoint: Endpoint) -> String {
        let words = endpoint.path.split(separator: "/").map {
            $0.hasPrefix("{") ? "By" + $0.dropFirst().dropLast().capitalized : $0.capitalized
        }
        return endpoint.method.rawValue.lowercased()
            + words.joined().replacingOccurrences(of: ".", with: "").replacingOccurrences(of: "-", with: "")
    }
}
