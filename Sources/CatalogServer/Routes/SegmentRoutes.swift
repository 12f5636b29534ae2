import Catalog
import CatalogAPI
import Foundation
import Hummingbird
import MiniSupport

/// `/v1/segments`: named audiences (vip, staff, beta testers, regions) that gray releases refer to by name.
///
/// Segments are created once and never edited: a catalog a shell verified must not change meaning under the
/// same catalog version. A different audience is a new segment and a new release.
struct SegmentRoutes {
    let store: any CatalogStore
    let clock: any CatalogClock

    static let maximumSegments = 500

    func add(to group: RouterGroup<CatalogRequestContext>) {
        group.get("segments") { _, context -> Response in
            _ = try context.requireBankAccount(to: "read the bank's segments")
            return JSONResponse.make(.object(["segments": .array(try await store.segments().map(Self.json))]))
        }
        group.post("segments") { request, context -> Response in
            let account = try context.requireOperator(to: "create segments")
            var request = request
            let body = try await RequestBody.json(&request)
            let (name, constraints) = try RequestBody.read(body, Self.segment)
            switch try await store.createSegment(
                name: name, constraints: constraints,
                audit: AuditEntry(at: clock.now(), actor: account.id, action: "segment.create", target: name),
                maximum: Self.maximumSegments)
            {
            case .created(let segment):
                return JSONResponse.make(Self.json(segment), status: .created)
            case .exists:
                throw ProblemError(
                    .conflict, code: .segmentExists,
                    detail: "segment '\(name)' exists already; segments never change, create one with another name")
            case .full:
                throw ProblemError(
                    .conflict, code: .tooManySegments,
                    detail: "a platform has at most \(Self.maximumSegments) segments")
            }
        }
    }

    static func json(_ segment: Segment) -> JSONValue {
        .object([
            "id": .number(Double(segment.id)), "name": .string(segment.name ?? ""),
            "constraints": .array(segment.constraints.map(\.jsonValue)),
        ])
    }

    /// The body of `POST /v1/segments` (``SegmentCreate``).
    static func segment(_ json: JSONCursor) throws(JSONPathError) -> (name: String, constraints: [RolloutConstraint]) {
        let body = try SegmentCreate(json: json)
        return (body.name, body.constraints)
    }
}
