/// An amount of money: an integer number of minor units in one currency. Never floating point.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The amount in the currency's minor unit (cents for USD).
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money {
        Money(minorUnits: 0, currency: currency)
    }

    /// The sum of two amounts in the same currency.
    public func adding(_ other: Money) throws(MoneyError) -> Money {
        guard currency == other.currency else {
            throw .currencyMismatch(currency, other.currency)
        }
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: sum, currency: currency)
    }

    /// The amount multiplied by a quantity.
    public func multiplied(by quantity: Int) throws(MoneyError) -> Money {
        let (product, overflow) = minorUnits.multipliedReportingOverflow(by: Int64(quantity))
        guard !overflow else { throw .overflow }
        return Money(minorUnits: product, currency: currency)
    }

    /// The amount written in major units with the currency code, e.g. `12.50 USD`, `-0.05 EUR`, `1200 JPY`.
    public var description: String {
        let digits = currency.minorUnitDigits
        guard digits > 0 else { return "\(minorUnits) \(currency.code)" }
        var divisor: Int64 = 1
        for _ in 0..<digits { divisor *= 10 }
        let magnitude = minorUnits.magnitude
        let major = magnitude / UInt64(divisor)
        let minor = String(magnitude % UInt64(divisor))
        let padded = String(repeating: "0", count: digits - minor.count) + minor
        return "\(minorUnits < 0 ? "-" : "")\(major).\(padded) \(currency.code)"
    }
}

/// Why an arithmetic operation on ``Money`` failed.
public enum MoneyError: Error, Equatable, CustomStringConvertible {
    case currencyMismatch(Currency, Currency)
    case overflow

    public var description: String {
        switch self {
        case .currencyMismatch(let lhs, let rhs):
            "cannot combine amounts in \(lhs.code) and \(rhs.code)"
        case .overflow:
            "amount out of range"
        }
    }
}
