/// The stable codes of the platform's problem documents (`"code"` in every error answer), written once: the
/// server can answer with no other, and the OpenAPI document lists them. Scripts and `minictl` may rely on them.
public enum ProblemCode: String, Sendable, Hashable, CaseIterable {
    /// a mini-program with that id exists
    case appExists = "app-exists"
    /// the body is over its limit
    case bodyTooLarge = "body-too-large"
    /// the host's catalog is being rebuilt; try again
    case catalogBusy = "catalog-busy"
    /// operations revoked this device; it stays revoked
    case deviceRevoked = "device-revoked"
    /// the account may not do this
    case forbidden = "forbidden"
    /// a host app with that id exists
    case hostExists = "host-exists"
    /// the version or listing is not in a state that allows this
    case illegalTransition = "illegal-transition"
    /// the bank delisted this mini-program on the host; the host's organisation may not list it again
    case delistedByBank = "delisted-by-bank"
    /// the server failed; nothing a client sent causes it
    case `internal` = "internal"
    /// the request itself is malformed (the HTTP layer refused it before any endpoint read it)
    case invalidRequest = "invalid-request"
    /// the body is not what the endpoint takes (the detail names the JSON path)
    case invalidBody = "invalid-body"
    /// the package does not load (the detail lists the diagnostics)
    case invalidPackage = "invalid-package"
    /// a query parameter is missing or wrong
    case invalidQuery = "invalid-query"
    /// the user assertion is malformed, expired, for another host or device, or not signed by a key the host
    /// registered: ask the host's backend for a fresh one
    case invalidUserAssertion = "invalid-user-assertion"
    /// a signed body is unsigned, or not signed by the key it must be
    case invalidSignature = "invalid-signature"
    /// the path does not take this method (the Allow header lists those it takes)
    case methodNotAllowed = "method-not-allowed"
    /// no endpoint has this path
    case noSuchRoute = "no-such-route"
    /// what the path names does not exist
    case notFound = "not-found"
    /// the host accepted that version already (roll back to it, or offer another)
    case offerExists = "offer-exists"
    /// no pending offer of that mini-program to that host (it was decided or replaced)
    case offerNotPending = "offer-not-pending"
    /// the host is run by another organisation, which has not accepted that version: offer it
    case offerRequired = "offer-required"
    /// an organisation with that id exists
    case organisationExists = "organisation-exists"
    /// a reviewer may not review their own upload
    case ownWork = "own-work"
    /// the package is over its limit
    case packageTooLarge = "package-too-large"
    /// a partner with that id exists
    case partnerExists = "partner-exists"
    /// too many requests of this kind; the Retry-After header says when to try again
    case rateLimited = "rate-limited"
    /// a segment with that name exists (segments never change)
    case segmentExists = "segment-exists"
    /// the database does not answer (this replica lost it for now); the Retry-After header says when to retry
    case databaseUnavailable = "database-unavailable"
    /// a signed body is too old, from the future, or older than one already accepted (a replay)
    case staleSignature = "stale-signature"
    /// the platform has as many segments as it may
    case tooManySegments = "too-many-segments"
    /// no valid credential
    case unauthorized = "unauthorized"
    /// the catalog is resolved only for a user the host's backend vouches for: send its signed assertion
    case userAssertionRequired = "user-assertion-required"
    /// the device token is unknown (the server forgot the device, or it enrolled again): enrol again
    case unknownDevice = "unknown-device"
    /// the organisation does not exist
    case unknownOrganisation = "unknown-organisation"
    /// the partner does not exist
    case unknownPartner = "unknown-partner"
    /// that version was uploaded already
    case versionExists = "version-exists"
    /// the package is another mini-program's
    case wrongApp = "wrong-app"
    /// the version waits for another review stage
    case wrongStage = "wrong-stage"
}
