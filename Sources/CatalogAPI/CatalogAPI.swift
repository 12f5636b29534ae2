import MiniSupport

/// The platform's HTTP API, written once: every endpoint with its path, credential, query and body. The server
/// registers and documents exactly these (a test compares the router with this list), and `minictl` and the
/// shell's agent build their requests from them.
public enum CatalogAPI {
    /// The header that carries a user assertion (``Catalog/UserAssertion``) to the catalog endpoint.
    public static let userAssertionHeader = "Minicatalog-User-Assertion"
    /// The answer header that names the query properties the host does not take from its shells.
    public static let ignoredPropertiesHeader = "Minicatalog-Ignored-Properties"
    typealias Q = Endpoint.Query
    private static func json(_ schema: String) -> (mediaType: String, schema: String?) {
        ("application/json", schema)
    }

    // MARK: Platform

    public static let health = Endpoint(
        .get, "/healthz", "Health, key id and public key", auth: .none, answer: json("Health"))
    public static let openAPI = Endpoint(.get, "/openapi.json", "This document", auth: .none)
    public static let keyRotations = Endpoint(
        .get, "/v1/keys/rotations", "The signing key's rotation statements, oldest first", auth: .none,
        answer: json("KeyRotations"))

    // MARK: Host apps and audit

    public static let hosts = Endpoint(.get, "/v1/hosts", "List host apps", auth: .bearer, answer: json("HostList"))
    public static let createHost = Endpoint(
        .post, "/v1/hosts", "Create a host app (ops); answers its host key once", auth: .bearer,
        body: json("HostCreate"), success: 201, answer: json("HostCreated"))
    public static let host = Endpoint(.get, "/v1/hosts/{hostId}", "One host app", auth: .bearer, answer: json("Host"))
    public static let deactivateHost = Endpoint(
        .post, "/v1/hosts/{hostId}/deactivate", "Deactivate a host app: every listing on it is delisted (ops)",
        auth: .bearer, body: json("Reason"), answer: json("HostDeactivation"))
    public static let activateHost = Endpoint(
        .post, "/v1/hosts/{hostId}/activate", "Activate a host app again (ops)", auth: .bearer, answer: json("Host"))
    public static let rotateHostKey = Endpoint(
        .post, "/v1/hosts/{hostId}/rotate-key", "Replace a host app's key; answers the new key once (ops)",
        auth: .bearer, answer: json("HostKey"))
    public static let setUserTrust = Endpoint(
        .post, "/v1/hosts/{hostId}/user-trust",
        "Set the keys a host's backend signs user assertions with, and the properties its shells may state (ops)",
        auth: .bearer, body: json("HostUserTrust"), answer: json("Host"))
    public static let setBrand = Endpoint(
        .post, "/v1/hosts/{hostId}/brand",
        "Set how a host app presents itself to its customers: title, accent, the word for services (ops)",
        auth: .bearer, body: json("HostBrand"), answer: json("Host"))
    public static let organisations = Endpoint(
        .get, "/v1/orgs", "Organisations and their host apps (a host organisation sees its own)", auth: .bearer,
        answer: json("OrganisationList"))
    public static let createOrganisation = Endpoint(
        .post, "/v1/orgs", "Create an external organisation that runs host apps (ops)", auth: .bearer,
        body: json("OrganisationCreate"), success: 201, answer: json("Organisation"))
    public static let segments = Endpoint(
        .get, "/v1/segments", "List segments", auth: .bearer, answer: json("SegmentList"))
    public static let createSegment = Endpoint(
        .post, "/v1/segments", "Create a segment (ops); segments never change", auth: .bearer,
        body: json("SegmentCreate"), success: 201, answer: json("Segment"))
    public static let audit = Endpoint(
        .get, "/v1/audit", "The audit log, newest first (ops)", auth: .bearer,
        query: [Q(name: "limit", required: false, description: "how many entries, 1 to 1000 (default 100)")],
        answer: json("AuditLog"))

    // MARK: Partners, mini-programs, versions, reviews

    public static let createPartner = Endpoint(
        .post, "/v1/partners", "Create a partner (ops)", auth: .bearer, body: json("PartnerCreate"), success: 201,
        answer: json("Partner"))
    public static let createApp = Endpoint(
        .post, "/v1/apps", "Create a mini-program", auth: .bearer, body: json("AppCreate"), success: 201,
        answer: json("App"))
    public static let apps = Endpoint(.get, "/v1/apps", "List mini-programs", auth: .bearer, answer: json("AppList"))
    public static let versions = Endpoint(
        .get, "/v1/apps/{appId}/versions", "List uploaded versions", auth: .bearer, answer: json("VersionList"))
    public static let upload = Endpoint(
        .post, "/v1/apps/{appId}/versions", "Upload a package; checked with MiniKit", auth: .bearer,
        body: ("application/zip", nil), success: 201, answer: json("Version"))
    public static let version = Endpoint(
        .get, "/v1/apps/{appId}/versions/{version}", "One version with its review report", auth: .bearer,
        answer: json("Version"))
    public static let submit = Endpoint(
        .post, "/v1/apps/{appId}/versions/{version}/submit", "Submit a draft for review", auth: .bearer,
        body: json("Empty"), answer: json("Version"))
    public static let approve = Endpoint(
        .post, "/v1/apps/{appId}/versions/{version}/approve", "Approve the stage it waits for", auth: .bearer,
        body: json("Empty"), answer: json("Version"))
    public static let reject = Endpoint(
        .post, "/v1/apps/{appId}/versions/{version}/reject", "Reject with a reason", auth: .bearer,
        body: json("Reason"), answer: json("Version"))
    public static let reviews = Endpoint(
        .get, "/v1/reviews", "The review queue", auth: .bearer, answer: json("ReviewQueue"))

    // MARK: Listings

    /// The listing actions, by name (`release`, `widen`, …): each is `POST /v1/apps/{appId}/ACTION`.
    public static let listingActions: [String: Endpoint] = Dictionary(
        uniqueKeysWithValues: [
            ("release", "Release to a host, full or gray (ops)"), ("widen", "Change the gray percentage (ops)"),
            ("full", "Make the gray version everyone's (ops)"), ("pause", "Pause the gray release (ops)"),
            ("cancel", "Cancel the gray release (ops)"), ("rollback", "Roll back to an approved version (ops)"),
            ("delist", "Delist on a host or all, with a reason (ops)"), ("relist", "Relist (ops)"),
        ].map { action, summary in
            (
                action,
                Endpoint(
                    .post, "/v1/apps/{appId}/\(action)", summary, auth: .bearer, body: json("ListingRequest"),
                    answer: json("ListingResult"))
            )
        })
    public static let offer = Endpoint(
        .post, "/v1/apps/{appId}/offers",
        "Offer an approved version to an external organisation's host app, for everyone or a gray audience (ops)",
        auth: .bearer, body: json("OfferRequest"), success: 201, answer: json("Offer"))
    public static let offers = Endpoint(
        .get, "/v1/offers", "Offers, newest first (a host organisation sees those to its hosts)", auth: .bearer,
        query: [
            Q(name: "host", required: false, description: "only offers to this host app"),
            Q(name: "state", required: false, description: "pending, accepted, declined or withdrawn"),
            Q(name: "limit", required: false, description: "how many, 1 to 1000 (default 100)"),
        ], answer: json("OfferList"))
    public static let acceptOffer = Endpoint(
        .post, "/v1/hosts/{hostId}/offers/{appId}/accept",
        "Accept the pending offer: the version is listed on the host as offered (the host's organisation)",
        auth: .bearer, body: json("OfferDecision"), answer: json("Offer"))
    public static let declineOffer = Endpoint(
        .post, "/v1/hosts/{hostId}/offers/{appId}/decline",
        "Decline the pending offer; nothing is listed (the host's organisation)", auth: .bearer,
        body: json("OfferDecision"), answer: json("Offer"))
    public static let listings = Endpoint(
        .get, "/v1/apps/{appId}/listings", "Listings per host", auth: .bearer, answer: json("ListingList"))
    public static let status = Endpoint(
        .get, "/v1/apps/{appId}/status", "Listings and delisting confirmations per host", auth: .bearer,
        answer: json("Status"))
    public static let explain = Endpoint(
        .get, "/v1/apps/{appId}/explain", "Which version a user gets on a host, and why", auth: .bearer,
        query: [
            Q(name: "host", required: true, description: "the host app"),
            Q(name: "user", required: true, description: "the user id, 1 to 128 characters"),
            Q(name: "p.{NAME}", required: false, description: "a user property, such as p.region=shanghai"),
        ], answer: json("Explanation"))

    // MARK: Devices

    public static let enrol = Endpoint(
        .post, "/v1/hosts/{hostId}/devices", "Enrol a shell installation with its host (the host key's only use)",
        auth: .hostKey, body: json("SignedEnvelope"), success: 201, answer: json("Enrolment"))
    public static let devices = Endpoint(
        .get, "/v1/devices", "Enrolled devices (ops and admin)", auth: .bearer,
        query: [Q(name: "host", required: false, description: "only this host app's devices")],
        answer: json("DeviceList"))
    public static let revokeDevice = Endpoint(
        .post, "/v1/devices/{deviceId}/revoke", "Revoke a device for good (ops and admin)", auth: .bearer,
        body: json("Reason"), answer: json("Device"))

    // MARK: Shells

    public static let catalog = Endpoint(
        .get, "/v1/hosts/{hostId}/catalog", "The signed catalog of a user (304 when If-None-Match holds)",
        auth: .deviceAndUser,
        query: [
            Q(name: "session", required: false, description: "the session id, for session stickiness"),
            Q(
                name: "p.{NAME}", required: false,
                description:
                    "a property the host declares client-supplied (at most 32, 256 characters each); others are ignored"
            ),
        ], answer: json("SignedEnvelope"))
    public static let events = Endpoint(
        .get, "/v1/hosts/{hostId}/events", "Signed catalog events (server-sent events)", auth: .device,
        query: [
            Q(name: "after", required: false, description: "resume after this event sequence (or Last-Event-ID)")
        ], answer: ("text/event-stream", nil))
    public static let acknowledge = Endpoint(
        .post, "/v1/hosts/{hostId}/acks", "A device's acknowledgement, signed by its device key", auth: .device,
        body: json("SignedEnvelope"), success: 204, answer: nil)
    public static let reports = Endpoint(
        .post, "/v1/hosts/{hostId}/reports",
        "A device's reports: customers' complaints and its containers' sensitive or refused bridge calls",
        auth: .device, body: json("DeviceReports"), answer: json("ReportReceipt"))
    public static let complaints = Endpoint(
        .get, "/v1/reports", "Customers' complaints, newest first (ops and admin)", auth: .bearer,
        query: [
            Q(name: "app", required: false, description: "only complaints about this mini-program"),
            Q(name: "limit", required: false, description: "how many, 1 to 1000 (default 100)"),
        ], answer: json("ComplaintList"))
    public static let activity = Endpoint(
        .get, "/v1/apps/{appId}/activity",
        "What a mini-program did on devices: reported calls per host, and the latest refusals (ops and admin)",
        auth: .bearer, answer: json("Activity"))
    public static let package = Endpoint(
        .get, "/v1/packages/{sha256}", "A package by its SHA-256", auth: .either, answer: ("application/zip", nil))

    /// Every endpoint, in the order of the documentation.
    public static let all: [Endpoint] =
        [
            health, openAPI, keyRotations, hosts, createHost, host, deactivateHost, activateHost, rotateHostKey,
            setUserTrust, setBrand, organisations, createOrganisation,
            segments,
            createSegment, audit, createPartner, createApp, apps, versions, upload, version, submit, approve, reject,
            reviews,
        ] + listingActions.values.sorted { $0.path < $1.path } + [
            offer, offers, acceptOffer, declineOffer, listings, status, explain, activity, complaints, enrol, devices,
            revokeDevice, catalog, events,
            acknowledge, reports, package,
        ]

    /// The methods a path answers to (for 405 answers and their `Allow` header); empty for an unknown path.
    public static func methods(for path: String) -> [Endpoint.Method] {
        all.filter { $0.matches(path: path) }.map(\.method)
    }
}
