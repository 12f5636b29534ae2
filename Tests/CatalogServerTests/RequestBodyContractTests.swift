import Catalog
import CatalogAPI
import Foundation
import MiniSupport
import Testing

/// The request bodies of the contract: what a client writes, the server reads back unchanged; each type's
/// fields are its schema's properties; and the server refuses what the type refuses, with its JSON path.
struct RequestBodyContractTests {
    private static let region = RolloutConstraint(
        contextName: "region", operator: ConstraintOperator(rawValue: "IN"), values: ["shanghai", "beijing"])

    /// Writes a body and reads it back the way the server does: through serialized JSON.
    private func roundTrip<T: JSONRepresentable>(_ value: T, reading: (JSONCursor) throws(JSONPathError) -> T)
        throws -> T
    {
        let bytes = Data(value.jsonValue.serialized().utf8)
        return try reading(JSONCursor(try JSONValue.parse(bytes)))
    }

    /// A listing body is read for an action: its rules depend on it.
    private func roundTrip(_ value: ListingRequest, action: String) throws -> ListingRequest {
        let bytes = Data(value.jsonValue.serialized().utf8)
        return try ListingRequest(json: JSONCursor(try JSONValue.parse(bytes)), action: action)
    }

    @Test("every request body reads back as it was written")
    func roundTrips() throws {
        let partner = PartnerCreate(id: "carins", name: "CarIns Ltd")
        #expect(try roundTrip(partner, reading: PartnerCreate.init(json:)) == partner)
        let app = AppCreate(id: "com.carins.quote", partnerId: "carins", name: "Car insurance", category: "insurance")
        #expect(try roundTrip(app, reading: AppCreate.init(json:)) == app)
        for host in [
            HostCreate(id: "mbank", name: "Mobile Banking"),
            HostCreate(
                id: "wallet-2", name: "Wallet", minimumShellVersion: SemanticVersion("7.2.0"),
                expiryGraceSeconds: 3_600, active: false),
            HostCreate(id: "metropay", name: "Metro Pay", organisation: "metro"),
        ] {
            #expect(try roundTrip(host, reading: HostCreate.init(json:)) == host)
        }
        let organisation = OrganisationCreate(id: "metro", name: "Metro Transit")
        #expect(try roundTrip(organisation, reading: OrganisationCreate.init(json:)) == organisation)
        for decision in [OfferDecision(), OfferDecision(reason: "riders asked for it")] {
            #expect(try roundTrip(decision, reading: OfferDecision.init(json:)) == decision)
        }
        let reason = ReasonRequest(reason: "a fraud report from the bank's risk team")
        #expect(try roundTrip(reason, reading: ReasonRequest.init(json:)) == reason)
        let segment = SegmentCreate(name: "east", constraints: [Self.region])
        #expect(try roundTrip(segment, reading: SegmentCreate.init(json:)) == segment)
        let release = ListingRequest(
            host: "mbank", version: SemanticVersion("2.2.0"), percent: 30, constraints: [Self.region],
            userIds: ["alice", "bob"], segments: ["vip"],
            variants: [
                .init(version: try #require(SemanticVersion("2.2.0")), weight: 1),
                .init(version: try #require(SemanticVersion("2.3.0")), weight: 3),
            ])
        #expect(
            try roundTrip(release, action: "release")
                == release)
        let delist = ListingRequest(host: "all", reason: "taken down after a fraud report")
        #expect(
            try roundTrip(delist, action: "delist")
                == delist)
    }

    @Test("each body's fields are its schema's properties")
    func fieldsMatchSchemas() throws {
        let types: [(schema: String, fields: Set<String>)] = [
            ("PartnerCreate", PartnerCreate.fields), ("AppCreate", AppCreate.fields), ("HostCreate", HostCreate.fields),
            ("Reason", ReasonRequest.fields), ("SegmentCreate", SegmentCreate.fields),
            ("ListingRequest", ListingRequest.fields), ("HostBrand", HostBrandRequest.fields),
            ("OrganisationCreate", OrganisationCreate.fields), ("OfferDecision", OfferDecision.fields),
            // An offer is a release of one version: no variants.
            ("OfferRequest", ListingRequest.fields.subtracting(["variants"])),
        ]
        for (name, fields) in types {
            let schema = try #require(CatalogAPI.schemas[name], "no schema \(name)")
            guard case .object(let members) = schema, case .object(let properties)? = members["properties"] else {
                Issue.record("schema \(name) has no properties")
                continue
            }
            #expect(Set(properties.keys) == fields, "\(name)")
        }
    }

    @Test(
        "what a type refuses is refused with its JSON path",
        arguments: [
            (#"{"id": "carins", "name": "CarIns", "logo": "x"}"#, "$.logo: unknown field 'logo'"),
            (#"{"id": "Car Ins", "name": "CarIns"}"#, "$.id: 'id' is 2 to 64 lowercase letters"),
        ])
    func partnerRefusals(_ body: String, _ expected: String) throws {
        let json = JSONCursor(try JSONValue.parse(Data(body.utf8)))
        #expect {
            _ = try PartnerCreate(json: json)
        } throws: { error in
            (error as? JSONPathError)?.description.hasPrefix(expected) == true
        }
    }

    @Test("an unknown category is refused where it is written, before the other fields")
    func categoryFirst() throws {
        let json = JSONCursor(
            try JSONValue.parse(Data(#"{"id": "BAD", "partnerId": "p1", "name": "n", "category": "nope"}"#.utf8)))
        #expect {
            _ = try AppCreate(json: json, categories: ["finance", "insurance"])
        } throws: { error in
            (error as? JSONPathError)?.description.hasPrefix("$.category: unknown category") == true
        }
    }

    @Test("a listing action's own rules belong to the contract")
    func listingActionRules() throws {
        func refusal(_ body: String, _ action: String) throws -> String? {
            do {
                _ = try ListingRequest(json: JSONCursor(try JSONValue.parse(Data(body.utf8))), action: action)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(try refusal(#"{"host": "mbank"}"#, "release")?.contains("missing required field 'version'") == true)
        #expect(try refusal(#"{"host": "mbank"}"#, "widen")?.contains("missing required field 'percent'") == true)
        #expect(try refusal(#"{"host": "mbank"}"#, "delist")?.contains("missing required field 'reason'") == true)
        #expect(
            try refusal(#"{"host": "mbank", "percent": 10, "userIds": ["a"]}"#, "widen")?.contains(
                "belong to a release") == true)
        #expect(try refusal(#"{"host": "mbank"}"#, "pause") == nil)
    }
}
