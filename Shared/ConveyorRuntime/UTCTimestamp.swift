#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// RFC 3339 timestamps in UTC, `2026-11-21T18:45:08.123Z`, written and read by arithmetic,
/// without `Date.ISO8601FormatStyle`'s calendar (several per order: event times, log lines).
/// The text is what the style writes; a date read back is the same instant, within the last
/// bit of the style's rounding.
public enum UTCTimestamp {
    /// `2026-11-21T18:45:08.123Z`; nil outside the years 1–9999.
    public static func format(_ date: Date) -> String? {
        // From the interval `Date` keeps (since 2001), as the style computes: the one since
        // 1970 is derived from it and rounded, which can change the milliseconds.
        let time = date.timeIntervalSinceReferenceDate
        let wholeSeconds = time.rounded(.down)
        guard wholeSeconds.isFinite, abs(wholeSeconds) < 2.5e11 else { return nil }
        // The milliseconds truncated from the fraction.
        let (seconds, millisecond) = (Int64(wholeSeconds) + 978_307_200, Int64((time - wholeSeconds) * 1000))
        let (days, secondOfDay) = (seconds.floorDivided(by: 86_400), seconds.floorModulo(86_400))
        let (year, month, day) = ProlepticGregorian.date(daysSinceEpoch: days)
        guard (1...9999).contains(year) else { return nil }
        var text = [UInt8]()
        text.reserveCapacity(24)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        text.append(UInt8(ascii: "-"))
        digits(month, 2)
        text.append(UInt8(ascii: "-"))
        digits(day, 2)
        text.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        text.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        text.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        text.append(UInt8(ascii: "."))
        digits(millisecond, 3)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.f…]Z` with up to nine fraction digits; nil for anything else
    /// (other offsets, longer fractions, impossible dates), which callers give to the styles.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int64(digit)
            }
            return value
        }
        let separators: [(Int, UInt8)] = [(4, UInt8(ascii: "-")), (7, UInt8(ascii: "-")), (10, UInt8(ascii: "T")), (13, UInt8(ascii: ":")), (16, UInt8(ascii: ":"))]
        guard separators.allSatisfy({ bytes[$0.0] == $0.1 }),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction = 0.0
        var milliseconds: Int64 = 0
        if bytes.count > 20 {
            // A fraction: a dot and one to nine digits before the Z (longer ones go to the styles).
            let digits = bytes.count - 21
            guard bytes[19] == UInt8(ascii: "."), (1...9).contains(digits), let value = number(20..<(bytes.count - 1)) else { return nil }
            var scale: Int64 = 1
            for _ in 0..<digits { scale *= 10 }
            fraction = Double(value) / Double(scale)
            milliseconds = value * 1000 / scale
        } else if bytes[19] != UInt8(ascii: "Z") {
            return nil
        }
        let days = ProlepticGregorian.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        // Counted from the reference date, as `Date` keeps it. Adding the fraction rounds, and
        // can land a hair below the milliseconds written; the next representable values up
        // reach them, so the date is written back as the same text.
        let whole = Double(seconds - 978_307_200)
        var interval = whole + fraction
        for _ in 0..<4 where Int64((interval - whole) * 1000) < milliseconds {
            interval = interval.nextUp
        }
        return Date(timeIntervalSinceReferenceDate: interval)
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    fileprivate func floorModulo(_ divisor: Int64) -> Int64 {
        self - floorDivided(by: divisor) * divisor
    }
}
