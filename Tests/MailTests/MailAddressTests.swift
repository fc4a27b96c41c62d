import Testing

@testable import Mail

@Suite struct MailAddressTests {
    @Test(arguments: ["customer@example.com", "first.last+tag@mail.example.co.uk", "a@localhost", "o'neil@x-y.example"])
    func acceptsAddresses(address: String) throws {
        #expect(try MailAddress(address).address == address)
    }

    @Test(arguments: [
        "", "no-at-sign", "@example.com", "customer@", "two@@example.com", "dot.@example.com", ".dot@example.com",
        "a..b@example.com", "space @example.com", "customer@exa mple.com", "customer@-example.com",
        "customer@example..com", "müller@example.com", "customer@exämple.com",
        "customer@example.com\r\nBcc: victim@example.com", "<customer@example.com>", "customer@example.com>",
    ])
    func rejectsAddresses(address: String) {
        #expect(throws: EmailMessageError.invalidAddress(address)) { try MailAddress(address) }
    }

    @Test func rejectsLineBreaksInDisplayNames() {
        #expect(throws: EmailMessageError.invalidDisplayName) {
            try MailAddress("customer@example.com", displayName: "Eve\r\nBcc: victim@example.com")
        }
        #expect(throws: EmailMessageError.invalidDisplayName) {
            try MailAddress("customer@example.com", displayName: "Eve\u{2028}")
        }
    }

    @Test func knowsItsDomain() throws {
        #expect(try MailAddress("orders@shop.example").domain == "shop.example")
    }
}
