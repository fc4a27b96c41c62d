import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// RFC 3339 timestamps in UTC with millisecond precision, as CloudEvents' `time` and the API use.
public enum Timestamp {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)

    /// `2026-11-21T18:45:08.123Z`: what `Date.ISO8601FormatStyle` with fractional seconds
    /// writes (computed directly for years 1–9999; see ``UTCTimestamp``).
    public static func format(_ date: Date) -> String {
        UTCTimestamp.format(date) ?? withFraction.format(date)
    }

    /// Parses `2026-11-21T18:45:08.123Z`, `2026-11-21T18:45:08Z` or an explicit offset.
    public static func parse(_ text: String) -> Date? {
        if let date = UTCTimestamp.parse(text) { return date }
        if let date = try? withFraction.parse(text) { return date }
        if let date = try? withoutFraction.parse(text) { return date }
        return try? Date(text, strategy: .iso8601)
    }

    /// A JSON encoder that writes dates with ``format(_:)`` and sorts keys (stable bytes for hashing).
    public static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        return encoder
    }

    /// A JSON decoder that reads dates with ``parse(_:)``.
    public static func jsonDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not an RFC 3339 timestamp")
            }
            return date
        }
        return decoder
    }
}
