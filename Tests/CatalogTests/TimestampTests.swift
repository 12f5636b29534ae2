import Catalog
import Foundation
import MiniSupport
import Testing

struct TimestampTests {
    @Test func parsesRFC3339() throws {
        #expect(Timestamp.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(Timestamp.parse("2022-01-22T13:00:00.000+02:00") == Timestamp.parse("2022-01-22T11:00:00Z"))
        #expect(Timestamp.parse("2024-02-29") == Timestamp.parse("2024-02-29T00:00:00Z"))
        #expect(try #require(Timestamp.parse("2026-11-25T12:00:00.250Z")).timeIntervalSince1970 == 1_795_608_000.25)
    }

    @Test(
        "malformed timestamps are refused",
        arguments: [
            "", "2022-13-01", "2023-02-29", "2022-01-01T25:00:00Z", "2022-01-01T10:00:00", "yesterday",
            "2022-01-01T10:00:00.Z", "2022-01-01T10:00:00Zjunk",
        ])
    func refuses(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func formatRoundTrips() {
        for seconds in [0.0, 1_795_608_000.123, 951_782_400, -86_400] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp.parse(Timestamp.format(date)) == date)
        }
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_795_608_000)) == "2026-11-25T12:00:00.000Z")
    }
}
