/// An ISO 4217 currency with the number of digits of its minor unit.
///
/// Conveyor accepts the currencies listed in ``Currency/known``; amounts are always integers
/// in the currency's minor unit (cents for USD, yen for JPY).
public struct Currency: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The three-letter code, e.g. `USD`.
    public let code: String
    /// Digits of the minor unit: 2 for USD, 0 for JPY, 3 for KWD.
    public let minorUnitDigits: Int

    /// Looks up a code (case-sensitive, upper case) among the known currencies.
    public init?(code: String) {
        guard let digits = Currency.known[code] else { return nil }
        self.code = code
        self.minorUnitDigits = digits
    }

    public static let usd = Currency(code: "USD")!
    public static let eur = Currency(code: "EUR")!

    public var description: String { code }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let code = try container.decode(String.self)
        guard let currency = Currency(code: code) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(code)' is not a supported ISO 4217 currency code")
        }
        self = currency
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    /// Supported ISO 4217 codes and their minor-unit digits.
    public static let known: [String: Int] = [
        "AED": 2, "ARS": 2, "AUD": 2, "BGN": 2, "BHD": 3, "BRL": 2, "CAD": 2, "CHF": 2, "CLP": 0,
        "CNY": 2, "COP": 2, "CZK": 2, "DKK": 2, "EGP": 2, "EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2,
        "IDR": 2, "ILS": 2, "INR": 2, "ISK": 0, "JOD": 3, "JPY": 0, "KRW": 0, "KWD": 3, "MXN": 2,
        "MYR": 2, "NOK": 2, "NZD": 2, "OMR": 3, "PEN": 2, "PHP": 2, "PLN": 2, "RON": 2, "SAR": 2,
        "SEK": 2, "SGD": 2, "THB": 2, "TND": 3, "TRY": 2, "TWD": 2, "UAH": 2, "USD": 2, "VND": 0,
        "ZAR": 2,
    ]
}
