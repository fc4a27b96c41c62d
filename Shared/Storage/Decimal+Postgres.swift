#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Decimal: PostgresBindable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .numeric }
    public var postgresText: String? { isNaN ? "NaN" : description }

    /// Reads `numeric` and integer columns; `NaN` becomes `Decimal.nan`, infinities are errors.
    public static func decode(postgresText text: String, type: PostgresDataType) throws(PostgresDecodingError.Reason) -> Decimal {
        guard type == .numeric || type == .int2 || type == .int4 || type == .int8 else {
            throw .typeMismatch(type)
        }
        if text == "NaN" { return .nan }
        guard Self.isPlainNumber(text), let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw .invalidValue("\"\(text)\" is not a finite decimal number")
        }
        return value
    }

    /// `[+-]digits[.digits]`, the text form of a finite `numeric`.
    private static func isPlainNumber(_ text: String) -> Bool {
        var digits = 0
        var seenPoint = false
        for (offset, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): if seenPoint { return false } else { seenPoint = true }
            case UInt8(ascii: "-"), UInt8(ascii: "+"): if offset != 0 { return false }
            default: return false
            }
        }
        return digits > 0
    }
}
