import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Date: PostgresBindable, PostgresDecodable {
    /// Dates bind as `timestamptz`, in UTC with microseconds: `2024-05-01 12:34:56.123456+00`.
    public static var postgresType: PostgresDataType { .timestamptz }

    public var postgresText: String? {
        let micros = (timeIntervalSince1970 * 1_000_000).rounded()
        guard micros.isFinite, abs(micros) < 9e18 else {
            return timeIntervalSince1970 > 0 ? "infinity" : "-infinity"
        }
        var seconds = Int64(micros) / 1_000_000
        var fraction = Int64(micros) % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = ProlepticGregorian.date(daysSinceEpoch: days)
        // PostgreSQL counts years before 1 as "BC": astronomical year 0 is 1 BC.
        let era = year > 0 ? "" : " BC"
        let displayYear = year > 0 ? year : 1 - year
        return "\(Self.padded(displayYear, 4))-\(Self.padded(month, 2))-\(Self.padded(day, 2)) "
            + "\(Self.padded(secondOfDay / 3600, 2)):\(Self.padded(secondOfDay / 60 % 60, 2)):\(Self.padded(secondOfDay % 60, 2))"
            + ".\(Self.padded(fraction, 6))+00\(era)"
    }

    /// Reads `timestamptz` (any UTC offset) and `timestamp` (taken as UTC) in ISO style;
    /// `infinity` and `-infinity` become `distantFuture` and `distantPast`.
    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Date {
        guard type == .timestamptz || type == .timestamp else { throw .typeMismatch(type) }
        switch text {
        case "infinity": return .distantFuture
        case "-infinity": return .distantPast
        default: break
        }
        guard let date = Self.parseISOTimestamp(Array(text.utf8)) else {
            throw .invalidValue("\"\(text)\" is not an ISO timestamp")
        }
        return date
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]][ BC]`.
    private static func parseISOTimestamp(_ bytes: [UInt8]) -> Date? {
        var index = 0
        func number(minDigits: Int, maxDigits: Int) -> Int64? {
            var value: Int64 = 0
            var digits = 0
            while index < bytes.count, digits < maxDigits, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
                digits += 1
                index += 1
            }
            return digits >= minDigits ? value : nil
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard var year = number(minDigits: 4, maxDigits: 7), expect("-"),
            let month = number(minDigits: 2, maxDigits: 2), expect("-"),
            let day = number(minDigits: 2, maxDigits: 2), expect(" "),
            let hour = number(minDigits: 2, maxDigits: 2), expect(":"),
            let minute = number(minDigits: 2, maxDigits: 2), expect(":"),
            let second = number(minDigits: 2, maxDigits: 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }

        var micros: Int64 = 0
        if expect(".") {
            let start = index
            guard let fraction = number(minDigits: 1, maxDigits: 6) else { return nil }
            micros = fraction
            for _ in 0..<(6 - (index - start)) { micros *= 10 }
        }
        var offsetSeconds: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = number(minDigits: 2, maxDigits: 2) else { return nil }
            var offset = offsetHours * 3600
            if expect(":") {
                guard let offsetMinutes = number(minDigits: 2, maxDigits: 2) else { return nil }
                offset += offsetMinutes * 60
                if expect(":") {
                    guard let offsetSecondsPart = number(minDigits: 2, maxDigits: 2) else { return nil }
                    offset += offsetSecondsPart
                }
            }
            offsetSeconds = sign * offset
        }
        if index < bytes.count {
            guard bytes[index...].elementsEqual(" BC".utf8) else { return nil }
            year = 1 - year
            index = bytes.count
        }
        let days = ProlepticGregorian.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
