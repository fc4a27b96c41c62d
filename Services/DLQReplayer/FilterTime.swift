#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ServiceSupport

/// The times `--since` and `--until` accept: an RFC 3339 timestamp
/// (`2026-05-01T12:00:00Z`, `2026-05-01T14:00:00.5+02:00`) or a duration before now
/// (`90s`, `30m`, `2h`, `7d`, `2w`).
enum FilterTime {
    /// The point in time `text` names, or nil when it is neither form.
    static func parse(_ text: String, now: Date = Date()) -> Date? {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else { return nil }
        if let ago = durationAgo(trimmed) {
            return now.addingTimeInterval(-ago)
        }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(trimmed) { return date }
        return try? Date.ISO8601FormatStyle().parse(trimmed)
    }

    /// Seconds in a relative duration: `DurationParser`'s `ms`, `s`, `m`, `h`, and `d`, `w`.
    private static func durationAgo(_ text: String) -> TimeInterval? {
        let lower = text.lowercased()
        for (suffix, scale) in [("d", 86_400.0), ("w", 604_800.0)] where lower.hasSuffix(suffix) {
            guard let count = Double(lower.dropLast()), count.isFinite, count >= 0 else { return nil }
            return count * scale
        }
        guard lower.first?.isNumber == true, let duration = DurationParser.parse(lower) else { return nil }
        let components = duration.components
        return TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
