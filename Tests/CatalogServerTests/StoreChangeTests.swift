import CatalogServer
import MiniSupport
import Testing

/// What one replica tells the others in a notification, and what a replica refuses to read from one.
struct StoreChangeTests {
    @Test(
        "every change reads back as written",
        arguments: [
            StoreChange.event(hostId: "mbank", sequence: 1, seal: nil),
            .event(hostId: "mbank", sequence: 42, seal: EventSeal(keyId: "k1", envelope: #"{"payload":"x\"y"}"#)),
            .host(hostId: "car.headunit"),
            .device(deviceId: "d-01"),
            .signingKey(keyId: "9f86d081884c7d65"),
        ])
    func roundTrip(_ change: StoreChange) throws {
        #expect(try StoreChange(payload: change.payload) == change)
    }

    @Test("an event too large for a notification travels without its envelope (each replica reads it)")
    func large() throws {
        let envelope = String(repeating: "e", count: StoreChange.maximumPayload)
        let change = StoreChange.event(hostId: "mbank", sequence: 7, seal: EventSeal(keyId: "k1", envelope: envelope))
        #expect(change.payload.utf8.count < StoreChange.maximumPayload)
        #expect(try StoreChange(payload: change.payload) == .event(hostId: "mbank", sequence: 7, seal: nil))
    }

    @Test(
        "anything else is refused, with its path",
        arguments: [
            (#"{"change":"restart"}"#, "$.change"),
            (#"{"change":"event","host":"mbank","sequence":0}"#, "$.sequence"),
            (#"{"change":"event","host":"mbank","sequence":1.5}"#, "$.sequence"),
            (#"{"change":"event","host":"mbank","sequence":1,"signedBy":"k1"}"#, "$"),
            (#"{"change":"host","host":"mbank","extra":1}"#, "$"),
            (#"{"change":"device"}"#, "$"),
            ("not json", "$"),
        ])
    func refused(_ payload: String, path: String) {
        #expect(throws: (any Error).self) { try StoreChange(payload: payload) }
        do {
            _ = try StoreChange(payload: payload)
        } catch {
            #expect(error.path.hasPrefix(path), "\(error)")
        }
    }
}
