import Catalog
import Foundation
import MiniSupport

/// The OpenAPI 3.1 document of every route, served at `GET /openapi.json`. A test compares it with the
/// router, so a route cannot be added or removed without the document following.
enum OpenAPIDocument {
    struct Operation {
        var method: String
        var path: String
        var summary: String
        /// `bearer`, `hostKey`, `either` or `none`.
        var auth: String
        /// The request body's media type, when there is one.
        var body: String?
        var success: Int
    }

    static let operations: [Operation] = [
        .init(method: "GET", path: "/healthz", summary: "Health, key id and public key", auth: "none", success: 200),
        .init(method: "GET", path: "/openapi.json", summary: "This document", auth: "none", success: 200),
        .init(method: "GET", path: "/v1/hosts", summary: "List host apps", auth: "bearer", success: 200),
        .init(
            method: "POST", path: "/v1/hosts", summary: "Create a host app (ops); answers its host key once",
            auth: "bearer", body: "application/json", success: 201),
        .init(method: "GET", path: "/v1/hosts/{hostId}", summary: "One host app", auth: "bearer", success: 200),
        .init(
            method: "POST", path: "/v1/hosts/{hostId}/deactivate",
            summary: "Deactivate a host app: every listing on it is delisted (ops)", auth: "bearer",
            body: "application/json", success: 200),
        .init(
            method: "POST", path: "/v1/hosts/{hostId}/activate", summary: "Activate a host app again (ops)",
            auth: "bearer", success: 200),
        .init(
            method: "POST", path: "/v1/hosts/{hostId}/rotate-key",
            summary: "Replace a host app's key; answers the new key once (ops)", auth: "bearer", success: 200),
        .init(method: "GET", path: "/v1/segments", summary: "List segments", auth: "bearer", success: 200),
        .init(
            method: "POST", path: "/v1/segments", summary: "Create a segment (ops); segments never change",
            auth: "bearer", body: "application/json", success: 201),
        .init(
            method: "GET", path: "/v1/audit", summary: "The audit log, newest first (ops)", auth: "bearer", success: 200
        ),
        .init(
            method: "POST", path: "/v1/partners", summary: "Create a partner (ops)", auth: "bearer",
            body: "application/json", success: 201),
        .init(
            method: "POST", path: "/v1/apps", summary: "Create a mini-program", auth: "bearer",
            body: "application/json", success: 201),
        .init(method: "GET", path: "/v1/apps", summary: "List mini-programs", auth: "bearer", success: 200),
        .init(
            method: "GET", path: "/v1/apps/{appId}/versions", summary: "List uploaded versions", auth: "bearer",
            success: 200),
        .init(
            method: "POST", path: "/v1/apps/{appId}/versions", summary: "Upload a package; checked with MiniKit",
            auth: "bearer", body: "application/zip", success: 201),
        .init(
            method: "GET", path: "/v1/apps/{appId}/versions/{version}", summary: "One version with its review report",
            auth: "bearer", success: 200),
        .init(
            method: "POST", path: "/v1/apps/{appId}/versions/{version}/submit", summary: "Submit a draft for review",
            auth: "bearer", body: "application/json", success: 200),
        .init(
            method: "POST", path: "/v1/apps/{appId}/versions/{version}/approve",
            summary: "Approve the stage it waits for", auth: "bearer", body: "application/json", success: 200),
        .init(
            method: "POST", path: "/v1/apps/{appId}/versions/{version}/reject", summary: "Reject with a reason",
            auth: "bearer", body: "application/json", success: 200),
        .init(method: "GET", path: "/v1/reviews", summary: "The review queue", auth: "bearer", success: 200),
        .init(
            method: "POST", path: "/v1/apps/{appId}/release", summary: "Release to a host, full or gray (ops)",
            auth: "bearer", body: "application/json", success: 200),
        .init(
            method: "POST", path: "/v1/apps/{appId}/widen", summary: "Change the gray percentage (ops)", auth: "bearer",
            body: "application/json", success: 200),
        .init(
            method: "POST", path: "/v1/apps/{appId}/full", summary: "Make the gray version everyone's (ops)",
            auth: "bearer", body: "application/json", success: 200),
        .init(
            method: "POST", path: "/v1/apps/{appId}/pause", summary: "Pause the gray release (ops)", auth: "bearer",
            body: "application/json", success: 200),
        .init(
            method: "POST", path: "/v1/apps/{appId}/cancel", summary: "Cancel the gray release (ops)", auth: "bearer",
            body: "application/json", success: 200),
        .init(
            method: "POST", path: "/v1/apps/{appId}/rollback", summary: "Roll back to an approved version (ops)",
            auth: "bearer", body: "application/json", success: 200),
        .init(
            method: "POST", path: "/v1/apps/{appId}/delist", summary: "Delist on a host or all, with a reason (ops)",
            auth: "bearer", body: "application/json", success: 200),
        .init(
            method: "POST", path: "/v1/apps/{appId}/relist", summary: "Relist (ops)", auth: "bearer",
            body: "application/json", success: 200),
        .init(
            method: "GET", path: "/v1/apps/{appId}/listings", summary: "Listings per host", auth: "bearer", success: 200
        ),
        .init(
            method: "GET", path: "/v1/apps/{appId}/status", summary: "Listings and delisting confirmations per host",
            auth: "bearer", success: 200),
        .init(
            method: "GET", path: "/v1/apps/{appId}/explain", summary: "Which version a user gets on a host, and why",
            auth: "bearer", success: 200),
        .init(
            method: "GET", path: "/v1/hosts/{hostId}/catalog", summary: "The signed catalog of a user", auth: "hostKey",
            success: 200),
        .init(
            method: "GET", path: "/v1/hosts/{hostId}/events", summary: "Signed catalog events (server-sent events)",
            auth: "hostKey", success: 200),
        .init(
            method: "POST", path: "/v1/hosts/{hostId}/acks", summary: "A shell's acknowledgement", auth: "hostKey",
            body: "application/json", success: 204),
        .init(
            method: "GET", path: "/v1/packages/{sha256}", summary: "A package by its SHA-256", auth: "either",
            success: 200),
    ]

    static var document: JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for operation in operations {
            var members: [String: JSONValue] = [
                "summary": .string(operation.summary),
                "operationId": .string(operationId(operation)),
                "responses": .object([
                    String(operation.success): .object(["description": .string("success")]),
                    "default": .object([
                        "description": .string("a problem document"),
                        "content": .object([
                            "application/problem+json": .object([
                                "schema": .object(["$ref": .string("#/components/schemas/Problem")])
                            ])
                        ]),
                    ]),
                ]),
            ]
            let parameters = operation.path.split(separator: "/").filter { $0.hasPrefix("{") }.map {
                name -> JSONValue in
                .object([
                    "name": .string(String(name.dropFirst().dropLast())), "in": .string("path"),
                    "required": .bool(true), "schema": .object(["type": .string("string")]),
                ])
            }
            if !parameters.isEmpty { members["parameters"] = .array(parameters) }
            switch operation.auth {
            case "bearer": members["security"] = .array([.object(["bearer": .array([])])])
            case "hostKey": members["security"] = .array([.object(["hostKey": .array([])])])
            case "either":
                members["security"] = .array([.object(["bearer": .array([])]), .object(["hostKey": .array([])])])
            default: members["security"] = .array([])
            }
            if let body = operation.body {
                members["requestBody"] = .object(["required": .bool(true), "content": .object([body: .object([:])])])
            }
            paths[operation.path, default: [:]][operation.method.lowercased()] = .object(members)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("MiniCatalog management platform"), "version": .string(CatalogServerVersion.current),
            ]),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object([
                "securitySchemes": .object([
                    "bearer": .object(["type": .string("http"), "scheme": .string("bearer")]),
                    "hostKey": .object([
                        "type": .string("apiKey"), "in": .string("header"), "name": .string("X-Host-Key"),
                    ]),
                ]),
                "schemas": .object([
                    "Problem": .object([
                        "type": .string("object"),
                        "properties": .object([
                            "type": .object(["type": .string("string")]), "title": .object(["type": .string("string")]),
                            "status": .object(["type": .string("integer")]),
                            "detail": .object(["type": .string("string")]),
                            "code": .object(["type": .string("string")]),
                        ]),
                        "required": .array(["type", "title", "status", "detail", "code"].map(JSONValue.string)),
                    ])
                ]),
            ]),
        ])
    }

    private static func operationId(_ operation: Operation) -> String {
        let words = operation.path.split(separator: "/").map {
            $0.hasPrefix("{") ? "By" + $0.dropFirst().dropLast().capitalized : $0.capitalized
        }
        return operation.method.lowercased()
            + words.joined().replacingOccurrences(of: ".", with: "").replacingOccurrences(of: "-", with: "")
    }
}
