import Foundation
import Testing

@testable import Orders

@Suite struct CreateOrderRequestTests {
    private func validate(_ json: String) throws -> CreateOrderRequest {
        try CreateOrderRequest.decode(from: Array(json.utf8))
    }

    private func fieldErrors(_ json: String) -> [FieldError] {
        do {
            _ = try validate(json)
            Issue.record("expected validation to fail for \(json)")
            return []
        } catch let failure as ValidationFailure {
            return failure.errors
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test func acceptsTheDocumentedAWSStyleRequest() throws {
        let request = try validate(#"{"customerId":"cust-123","items":[{"sku":"SKU-1","qty":2},{"sku":"SKU-2","qty":1}]}"#)
        #expect(request.customer == Customer(id: "cust-123"))
        #expect(request.currency == .usd)
        #expect(request.items == [.init(sku: "SKU-1", qty: 2), .init(sku: "SKU-2", qty: 1)])
        #expect(request.orderId == nil)
    }

    @Test func acceptsAllOptionalFields() throws {
        let id = UUID()
        let request = try validate(
            #"{"orderId":"\#(id.uuidString)","customerId":"c1","customerName":"Ada Lovelace","customerEmail":"ada@example.com","currency":"EUR","items":[{"sku":"SKU-3","qty":1000}]}"#
        )
        #expect(request.orderId == id)
        #expect(request.customer == Customer(id: "c1", name: "Ada Lovelace", email: "ada@example.com"))
        #expect(request.currency == .eur)
    }

    @Test func reportsEveryProblemWithItsField() {
        let errors = fieldErrors(
            #"{"customerEmail":"not-an-email","currency":"XYZ","orderId":"42","items":[{"sku":"SKU-1","qty":0},{"sku":"bad sku!","qty":1},{"qty":1001},{"sku":"SKU-1","qty":1.5},"x"],"colour":"red"}"#
        )
        let byField = Dictionary(grouping: errors, by: \.field)
        #expect(byField.keys.sorted() == [
            "colour", "currency", "customerEmail", "customerId", "items[0].qty", "items[1].sku", "items[2].qty", "items[2].sku",
            "items[3].qty", "items[3].sku", "items[4]", "orderId",
        ])
        #expect(byField["customerId"]?.first?.message == "is required")
        #expect(byField["items[0].qty"]?.first?.message == "must be between 1 and 1000")
        #expect(byField["items[3].qty"]?.first?.message == "must be a whole number")
        #expect(byField["items[3].sku"]?.first?.message.hasPrefix("repeats items[0]") == true)
    }

    @Test(arguments: [
        (#"{"customerId":"c","items":[]}"#, "items"),
        (#"{"customerId":"c"}"#, "items"),
        (#"{"customerId":"c","items":{"sku":"SKU-1"}}"#, "items"),
        (#"{"customerId":"","items":[{"sku":"SKU-1","qty":1}]}"#, "customerId"),
        (#"{"customerId":7,"items":[{"sku":"SKU-1","qty":1}]}"#, "customerId"),
        (#"{"customerId":"c","items":[{"sku":"SKU-1","qty":"2"}]}"#, "items[0].qty"),
        (#"[1,2]"#, ""),
    ])
    func rejectsMalformedShapes(json: String, field: String) {
        #expect(fieldErrors(json).map(\.field).contains(field))
    }

    @Test func limitsTheNumberOfItems() {
        let items = (0...CreateOrderRequest.maximumItems).map { #"{"sku":"S-\#($0)","qty":1}"# }.joined(separator: ",")
        let errors = fieldErrors(#"{"customerId":"c","items":[\#(items)]}"#)
        #expect(errors == [FieldError(field: "items", message: "must hold between 1 and 100 items, not 101")])
    }

    @Test func bodyThatIsNotJSONIsASyntaxError() {
        #expect(throws: JSONSyntaxError(offset: 1, reason: "unexpected 'n' where an object key (a string) was expected")) {
            try validate("{not json")
        }
    }

    @Test(arguments: ["a@b.co", "first.last+tag@sub.example.org"])
    func acceptsEmailAddresses(address: String) {
        #expect(EmailAddress.isValid(address))
    }

    @Test(arguments: ["", "a", "a@b", "@b.co", "a@.co", "a b@c.de", "a@b..co", ".a@b.co", "a@b.co\n"])
    func rejectsEmailAddresses(address: String) {
        #expect(!EmailAddress.isValid(address))
    }

    @Test func asciiAddressesAreJudgedAsTheCharacterRulesJudgeThem() {
        // Every address of up to four characters from an alphabet with each special case,
        // and longer ones around the length limits.
        let alphabet: [Character] = ["a", "Z", "9", "@", ".", "-", "_", "+", " ", "\t", "\n", "\r", "<", "\"", "\u{1}", "\u{7F}"]
        var addresses: [String] = [""]
        var frontier: [String] = [""]
        for _ in 0..<4 {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + String($0) } }
            addresses += frontier
        }
        for local in [63, 64, 65] {
            for label in [62, 63, 64] {
                addresses.append(String(repeating: "l", count: local) + "@" + String(repeating: "d", count: label) + ".example")
            }
        }
        addresses += ["a@b.co", "a@-b.co", "a@b-.co", "a@b.c-o", "a@b..co", "a.@b.co", "a..b@c.de", "a@b.co\r\n", "x@y.z" + String(repeating: "w", count: 250)]
        var checked = 0
        for address in addresses where address.utf8.count <= 254 {
            var copy = address
            let ascii = copy.withUTF8 { EmailAddress.isValidASCII($0) }
            #expect(ascii == EmailAddress.isValidText(address), "\(address.debugDescription)")
            checked += 1
        }
        #expect(checked > 69_000)
    }

    @Test func nonASCIIAddressesFollowTheCharacterRules() {
        #expect(EmailAddress.isValid("jürgen@müller.de"))
        #expect(!EmailAddress.isValid("jürgen@mül ler.de"))
        #expect(!EmailAddress.isValid("a@b.co\u{2028}"))
    }

    @Test func trimsSpacesAndTabsButNotLineBreaks() throws {
        let request = try validate(
            #"{"customerId":" \t\u00a0\u3000cust-1\u2003 ","customerName":"Ada Lovelace\t","items":[{"sku":"SKU-1","qty":1}]}"#)
        #expect(request.customer.id == "cust-1")
        #expect(request.customer.name == "Ada Lovelace")
        #expect(fieldErrors(#"{"customerId":" \u00a0\t ","items":[{"sku":"SKU-1","qty":1}]}"#)
            == [FieldError(field: "customerId", message: "must not be empty")])
        #expect(fieldErrors(#"{"customerId":"cust-1\n","items":[{"sku":"SKU-1","qty":1}]}"#)
            == [FieldError(field: "customerId", message: "must not contain control characters")])
    }

    @Test func refusesControlCharactersAnywhere() {
        for control in [#"\u0007"#, #"\u007f"#, #"\u0085"#, #"\u009f"#] {
            #expect(fieldErrors(#"{"customerId":"a\#(control)b","items":[{"sku":"SKU-1","qty":1}]}"#)
                == [FieldError(field: "customerId", message: "must not contain control characters")])
        }
    }

    @Test func countsLengthInCharacters() throws {
        // "é" written as e + combining acute: two scalars, three bytes, one character.
        let name = String(repeating: "e\u{301}", count: 200)
        let request = try validate(#"{"customerId":"c","customerName":"\#(name)","items":[{"sku":"SKU-1","qty":1}]}"#)
        #expect(request.customer.name?.count == 200)
        #expect(fieldErrors(#"{"customerId":"c","customerName":"\#(name)x","items":[{"sku":"SKU-1","qty":1}]}"#)
            == [FieldError(field: "customerName", message: "must be at most 200 characters")])
    }
}
