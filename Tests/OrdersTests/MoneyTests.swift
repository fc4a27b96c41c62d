import Orders
import Testing

@Suite struct MoneyTests {
    @Test func addsAmountsInTheSameCurrency() throws {
        let sum = try Money(minorUnits: 1999, currency: .usd).adding(Money(minorUnits: 1, currency: .usd))
        #expect(sum == Money(minorUnits: 2000, currency: .usd))
    }

    @Test func refusesToMixCurrencies() {
        #expect(throws: MoneyError.currencyMismatch(.usd, .eur)) {
            try Money(minorUnits: 1, currency: .usd).adding(Money(minorUnits: 1, currency: .eur))
        }
    }

    @Test func reportsOverflowInsteadOfWrapping() {
        #expect(throws: MoneyError.overflow) {
            try Money(minorUnits: .max / 2 + 1, currency: .usd).multiplied(by: 2)
        }
    }

    @Test(arguments: [
        (1250, "USD", "12.50 USD"), (-5, "EUR", "-0.05 EUR"), (1200, "JPY", "1200 JPY"), (1, "KWD", "0.001 KWD"), (0, "USD", "0.00 USD"),
    ])
    func formatsMajorUnits(minor: Int64, code: String, expected: String) throws {
        let currency = try #require(Currency(code: code))
        #expect(Money(minorUnits: minor, currency: currency).description == expected)
    }

    @Test func totalsLineItems() throws {
        let items = [
            LineItem(sku: "SKU-1", name: "Mug", quantity: 2, unitPrice: Money(minorUnits: 1250, currency: .usd)),
            LineItem(sku: "SKU-2", name: "Tee", quantity: 1, unitPrice: Money(minorUnits: 1999, currency: .usd)),
        ]
        #expect(try Order.total(of: items, in: .usd) == Money(minorUnits: 4499, currency: .usd))
    }

    @Test func unknownCurrencyCodesAreRejected() {
        #expect(Currency(code: "XXX") == nil)
        #expect(Currency(code: "usd") == nil)
        #expect(Currency(code: "JPY")?.minorUnitDigits == 0)
    }
}
