import Catalog
import MiniSupport

/// JSON Schemas of the bodies the endpoints take and answer, by the names the endpoints give them. They say
/// what the server's readers accept: unknown fields are refused, texts and lists are bounded.
extension CatalogAPI {
    private static func string(_ minimum: Int? = nil, _ maximum: Int? = nil, pattern: String? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["type": "string"]
        if let minimum { members["minLength"] = .number(Double(minimum)) }
        if let maximum { members["maxLength"] = .number(Double(maximum)) }
        if let pattern { members["pattern"] = .string(pattern) }
        return .object(members)
    }

    private static func integer(_ minimum: Int, _ maximum: Int) -> JSONValue {
        ["type": "integer", "minimum": .number(Double(minimum)), "maximum": .number(Double(maximum))]
    }

    private static func array(_ items: JSONValue, maximum: Int) -> JSONValue {
        ["type": "array", "items": items, "maxItems": .number(Double(maximum))]
    }

    private static func object(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        [
            "type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string)),
            "additionalProperties": false,
        ]
    }

    private static let nameSchema = string(2, 64, pattern: "^[a-z0-9.-]+$")
    private static let versionSchema = string(5, 64, pattern: "^[0-9]+\\.[0-9]+\\.[0-9]+([-+].*)?$")
    private static let reasonSchema = string(4, 500)
    private static let reportIDSchema = string(8, 64, pattern: "^[A-Za-z0-9-]+$")
    private static let timeSchema: JSONValue = ["type": "string", "format": "date-time"]
    private static let userKeysSchema = array(string(44, 44), maximum: HostUserTrust.maximumKeys)
    private static let clientPropertiesSchema = array(
        string(1, 64, pattern: "^[A-Za-z0-9_.-]+$"), maximum: UserAssertion.maximumProperties)
    private static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    private static let text: JSONValue = ["type": "string"]
    private static let count: JSONValue = ["type": "integer", "minimum": 0]
    private static let flag: JSONValue = ["type": "boolean"]
    /// A nested document the answer carries as it is (a release plan, a review report, an explanation).
    private static let document: JSONValue = ["type": "object"]
    private static func list(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    /// The answers' schemas: every field the server writes, and no other.
    static let answerSchemas: [String: JSONValue] = [
        "Host": object(
            [
                "id": text, "name": text, "active": flag, "expiryGraceSeconds": count, "minimumShellVersion": text,
                "userKeys": list(text), "clientProperties": list(text), "brand": ref("HostBrand"),
                "organisation": text,
            ], required: ["id", "name", "active", "expiryGraceSeconds", "userKeys", "clientProperties", "organisation"]),
        "HostList": object(["hosts": list(ref("Host"))], required: ["hosts"]),
        "KeyRotations": object(["rotations": list(ref("SignedEnvelope"))], required: ["rotations"]),
        "HostCreated": object(
            [
                "id": text, "name": text, "active": flag, "expiryGraceSeconds": count, "minimumShellVersion": text,
                "userKeys": list(text), "clientProperties": list(text), "hostKey": text, "brand": ref("HostBrand"),
                "organisation": text,
            ],
            required: [
                "id", "name", "active", "expiryGraceSeconds", "userKeys", "clientProperties", "hostKey", "organisation",
            ]),
        "Organisation": object(
            ["id": text, "name": text, "hosts": list(text)], required: ["id", "name", "hosts"]),
        "OrganisationList": object(["organisations": list(ref("Organisation"))], required: ["organisations"]),
        "Offer": object(
            [
                "appId": text, "host": text, "organisation": text, "version": text, "state": text,
                "plan": document, "offeredBy": text, "offeredAt": text, "decidedBy": text, "decidedAt": text,
                "reason": text, "listing": ref("Listing"),
            ], required: ["appId", "host", "organisation", "version", "state", "offeredBy", "offeredAt"]),
        "OfferList": object(["offers": list(ref("Offer"))], required: ["offers"]),
        "HostKey": object(["host": text, "hostKey": text], required: ["host", "hostKey"]),
        "HostDeactivation": object(
            ["host": ref("Host"), "delisted": list(ref("Listing"))], required: ["host", "delisted"]),
        "AuditLog": object(
            [
                "entries": list(
                    object(
                        [
                            "at": text, "actor": text, "action": text, "target": text, "reason": text,
                            "organisation": text,
                        ],
                        required: ["at", "actor", "action", "target"]))
            ], required: ["entries"]),
        "Partner": object(["id": text, "name": text], required: ["id", "name"]),
        "App": object(
            ["id": text, "partnerId": text, "name": text, "category": text],
            required: ["id", "partnerId", "name", "category"]),
        "AppList": object(["apps": list(ref("App"))], required: ["apps"]),
        "Version": object(
            [
                "appId": text, "version": text, "sha256": text, "size": count, "reviewState": text,
                "domains": list(text),
                "scopes": list(object(["scope": text, "reason": text], required: ["scope", "reason"])),
                "minimumHostVersion": text, "uploadedBy": text, "waitingFor": text,
                "reviews": list(
                    object(
                        ["stage": text, "decision": text, "reviewer": text, "at": text, "reason": text],
                        required: ["stage", "decision", "reviewer", "at"])),
                "report": document, "warnings": count,
            ], required: ["appId", "version", "sha256", "size", "reviewState", "domains", "scopes"]),
        "VersionList": object(["versions": list(ref("Version"))], required: ["versions"]),
        "ReviewQueue": object(
            ["stages": list(text), "versions": list(ref("Version"))], required: ["stages", "versions"]),
        "Segment": object(
            ["id": count, "name": text, "constraints": list(ref("Constraint"))],
            required: ["id", "name", "constraints"]),
        "SegmentList": object(["segments": list(ref("Segment"))], required: ["segments"]),
        "Listing": object(
            [
                "appId": text, "host": text, "state": text, "plan": document, "delistReason": text,
                "delistedBy": text, "eventSequence": count, "audience": text, "delisting": document,
                "complaints": count,
            ], required: ["appId", "host", "state", "plan"]),
        "ListingList": object(["listings": list(ref("Listing"))], required: ["listings"]),
        "ListingResult": ["oneOf": [ref("Listing"), ref("ListingList")]],
        "Enrolment": object(
            ["deviceId": text, "hostId": text, "token": text], required: ["deviceId", "hostId", "token"]),
        "Device": object(
            [
                "id": text, "hostId": text, "keyid": text, "enrolledAt": text, "lastSeen": text,
                "revokedAt": text, "revokeReason": text,
            ], required: ["id", "hostId", "keyid", "enrolledAt", "lastSeen"]),
        "DeviceList": object(["devices": list(ref("Device"))], required: ["devices"]),
        "ReportReceipt": object(["accepted": count, "new": count], required: ["accepted", "new"]),
        "Complaint": object(
            [
                "id": text, "appId": text, "hostId": text, "deviceId": text, "version": text, "reason": text,
                "text": text, "at": text, "receivedAt": text,
            ], required: ["id", "appId", "hostId", "deviceId", "reason", "text", "at", "receivedAt"]),
        "ComplaintList": object(["complaints": list(ref("Complaint"))], required: ["complaints"]),
        "Activity": object(
            [
                "appId": text,
                "hosts": list(
                    object(
                        [
                            "hostId": text,
                            "calls": list(
                                object(
                                    ["kind": text, "name": text, "outcome": text, "count": count, "last": text],
                                    required: ["kind", "name", "outcome", "count", "last"])),
                            "latestRefusals": list(
                                object(
                                    [
                                        "deviceId": text, "version": text, "kind": text, "name": text, "outcome": text,
                                        "count": count, "last": text,
                                    ], required: ["deviceId", "kind", "name", "outcome", "count", "last"])),
                        ], required: ["hostId", "calls", "latestRefusals"])),
            ], required: ["appId", "hosts"]),
        "Status": object(["appId": text, "hosts": list(ref("Listing"))], required: ["appId", "hosts"]),
        "Explanation": object(
            [
                "appId": text, "host": text, "user": text, "state": text, "version": ["type": ["string", "null"]],
                "gray": flag, "summary": text, "explanation": document,
            ], required: ["appId", "host", "user", "state", "version", "summary"]),
    ]

    /// Every schema by name, for the OpenAPI document's components.
    public static let schemas: [String: JSONValue] = requestSchemas.merging(answerSchemas) { request, _ in request }

    /// The schemas of the bodies the endpoints take, and of problems, health and envelopes.
    static let requestSchemas: [String: JSONValue] = [
        "Problem": [
            "type": "object",
            "properties": [
                "type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"],
                "detail": ["type": "string"],
                "code": ["type": "string", "enum": .array(ProblemCode.allCases.map { .string($0.rawValue) })],
            ],
            "required": ["type", "title", "status", "detail", "code"],
        ],
        "Health": [
            "type": "object",
            "properties": [
                "status": ["type": "string"], "keyid": ["type": "string"], "publicKey": ["type": "string"],
                "version": ["type": "string"], "format": ["type": "integer"],
            ],
            "required": ["status", "keyid", "publicKey", "version", "format"],
        ],
        "Empty": object([:], required: []),
        "Reason": object(["reason": reasonSchema], required: ["reason"]),
        "DeviceReports": object(
            [
                "complaints": array(
                    object(
                        [
                            "id": reportIDSchema, "appId": nameSchema, "version": versionSchema,
                            "reason": [
                                "type": "string",
                                "enum": .array(DeviceReports.Complaint.Reason.allCases.map { .string($0.rawValue) }),
                            ],
                            "text": string(0, DeviceReports.Complaint.maximumText), "at": timeSchema,
                        ], required: ["id", "appId", "reason", "text", "at"]),
                    maximum: DeviceReports.maximumComplaints),
                "activity": array(
                    object(
                        [
                            "id": reportIDSchema, "appId": nameSchema, "version": versionSchema,
                            "kind": [
                                "type": "string",
                                "enum": .array(DeviceReports.Activity.Kind.allCases.map { .string($0.rawValue) }),
                            ],
                            "name": string(1, 253), "outcome": string(1, 40),
                            "count": integer(1, DeviceReports.Activity.maximumCount), "first": timeSchema,
                            "last": timeSchema,
                        ], required: ["id", "appId", "kind", "name", "outcome", "count", "first", "last"]),
                    maximum: DeviceReports.maximumActivity),
            ], required: []),
        "HostCreate": object(
            [
                "id": nameSchema, "name": string(1, 80), "minimumShellVersion": versionSchema,
                "expiryGraceSeconds": integer(0, 604_800), "active": ["type": "boolean"],
                "userKeys": userKeysSchema, "clientProperties": clientPropertiesSchema, "brand": ref("HostBrand"),
                "organisation": string(1, 64, pattern: "^[a-z0-9.-]+$"),
            ], required: ["id", "name"]),
        "OrganisationCreate": object(
            ["id": string(1, 64, pattern: "^[a-z0-9.-]+$"), "name": string(1, 80)], required: ["id", "name"]),
        "OfferDecision": object(["reason": reasonSchema], required: []),
        "HostBrand": object(
            [
                "title": string(1, HostBrand.maximumTitle), "titleZh": string(1, HostBrand.maximumTitle),
                "accent": ["type": "string", "enum": .array(HostBrand.Accent.allCases.map { .string($0.rawValue) })],
                "services": string(1, HostBrand.maximumServices), "servicesZh": string(1, HostBrand.maximumServices),
            ], required: ["title", "accent", "services"]),
        "HostUserTrust": object(
            ["userKeys": userKeysSchema, "clientProperties": clientPropertiesSchema], required: []),
        "PartnerCreate": object(["id": nameSchema, "name": string(1, 80)], required: ["id", "name"]),
        "AppCreate": object(
            ["id": nameSchema, "partnerId": nameSchema, "name": string(1, 40), "category": string(1, 40)],
            required: ["id", "partnerId", "name", "category"]),
        "Constraint": [
            "type": "object",
            "properties": [
                "contextName": string(1, 256), "operator": ["type": "string"],
                "values": array(["type": "string"], maximum: 1_000), "value": ["type": "string"],
                "inverted": ["type": "boolean"], "caseInsensitive": ["type": "boolean"],
            ],
            "required": ["contextName", "operator"],
        ],
        "SegmentCreate": object(
            ["name": nameSchema, "constraints": array(ref("Constraint"), maximum: 32)],
            required: ["name", "constraints"]),
        "OfferRequest": object(
            [
                "host": string(1, 64), "version": versionSchema, "percent": integer(1, 100),
                "constraints": array(ref("Constraint"), maximum: 32),
                "userIds": array(string(1, 128, pattern: "^[^,]+$"), maximum: 1_000),
                "segments": array(["type": "string"], maximum: 16), "reason": reasonSchema,
            ], required: ["host", "version"]),
        "ListingRequest": object(
            [
                "host": string(1, 64), "version": versionSchema, "percent": integer(1, 100),
                "constraints": array(ref("Constraint"), maximum: 32),
                "userIds": array(string(1, 128, pattern: "^[^,]+$"), maximum: 1_000),
                "segments": array(["type": "string"], maximum: 16),
                "variants": array(
                    object(["version": versionSchema, "weight": integer(1, 1_000)], required: ["version"]), maximum: 8),
                "reason": reasonSchema,
            ], required: ["host"]),
        "Acknowledgement": [
            "type": "object",
            "description":
                "the payload of a device-signed acknowledgement (payload type application/vnd.minicatalog.ack+json; version=1)",
            "properties": [
                "format": ["type": "integer"], "hostId": ["type": "string"], "deviceId": ["type": "string"],
                "userId": ["type": "string"], "catalogVersion": ["type": "integer", "minimum": 0],
                "eventSequence": ["type": "integer", "minimum": 0],
                "installed": array(
                    [
                        "type": "object",
                        "properties": [
                            "appId": ["type": "string"], "version": ["type": "string"], "sha256": ["type": "string"],
                        ],
                    ], maximum: 1_000),
                "purged": array(["type": "string"], maximum: 1_000), "sentAt": ["type": "string"],
            ],
            "required": ["format", "hostId", "deviceId", "catalogVersion", "eventSequence", "installed", "sentAt"],
        ],
        "DeviceEnrolment": [
            "type": "object",
            "description":
                "the payload of a device's enrolment, signed by the key it names (payload type application/vnd.minicatalog.enrolment+json; version=1)",
            "properties": [
                "format": ["type": "integer"], "hostId": ["type": "string"],
                "publicKey": ["type": "string", "contentEncoding": "base64"], "issuedAt": ["type": "string"],
            ],
            "required": ["format", "hostId", "publicKey", "issuedAt"],
        ],
        "SignedEnvelope": [
            "type": "object",
            "properties": [
                "payloadType": ["type": "string"], "payload": ["type": "string", "contentEncoding": "base64"],
                "signatures": array(
                    [
                        "type": "object",
                        "properties": ["keyid": ["type": "string"], "sig": ["type": "string"]],
                        "required": ["keyid", "sig"],
                    ], maximum: 8),
            ],
            "required": ["payloadType", "payload", "signatures"],
        ],
    ]
}
