import Foundation
import Orders
import Testing

@Suite struct TimestampTests {
    static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// Dates across four centuries, leap days, the ends of days and of seconds.
    static let dates: [Date] = {
        var generator = SystemRandomNumberGenerator()
        var dates = (0..<5000).map { _ in
            Date(timeIntervalSince1970: Double(Int64.random(in: -2_208_988_800...7_258_118_400, using: &generator)) + Double.random(in: 0..<1, using: &generator))
        }
        // Near 1970 and 2001 the two ways of counting seconds round differently.
        dates += (0..<3000).map { _ in Date(timeIntervalSince1970: Double.random(in: -1000...1000, using: &generator)) }
        dates += (0..<3000).map { _ in Date(timeIntervalSinceReferenceDate: Double.random(in: -300_000...300_000, using: &generator)) }
        dates += [0, -0.0005, -1, 0.9995, 0.999_999, 951_782_399.999, 951_782_400, 1_709_164_800.5, 4_107_542_399.999, 1_798_761_599.9999]
            .map(Date.init(timeIntervalSince1970:))
        return dates
    }()

    @Test func formatWritesWhatTheISO8601StyleWrites() {
        for date in Self.dates {
            #expect(Timestamp.format(date) == Self.style.format(date), "\(date.timeIntervalSince1970)")
        }
    }

    @Test func parseReadsWhatTheISO8601StyleReads() throws {
        for date in Self.dates {
            let text = Self.style.format(date)
            let parsed = try #require(Timestamp.parse(text), "\(text)")
            // The same instant: it writes back as the same text, and differs from what the
            // style reads by rounding in the last bit at most.
            #expect(Timestamp.format(parsed) == text)
            #expect(abs(parsed.timeIntervalSince(try Self.style.parse(text))) < 1e-6, "\(text)")
        }
        #expect(Timestamp.parse("2026-11-21T18:45:08Z") == Date(timeIntervalSince1970: 1_795_286_708))
        #expect(Timestamp.parse("2026-11-21T18:45:08.5Z") == Date(timeIntervalSince1970: 1_795_286_708.5))
        #expect(Timestamp.parse("2026-11-21T19:45:08.000+01:00") == Date(timeIntervalSince1970: 1_795_286_708))
    }

    @Test(arguments: [
        "", "2026-11-21", "2026-11-21T18:45:08", "2026-13-01T00:00:00Z", "2026-11-21 18:45:08Z", "2026-11-21T18:45:08.Z",
        "2026-11-21T18:45:08.1x2Z", "202a-11-21T18:45:08Z", "Z2026-11-21T18:45:08",
    ])
    func parseRefusesWhatIsNotATimestamp(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}
