import Foundation
import Testing
import TestSupport

@testable import Mail

@Suite struct EmailMessageTests {
    let from = try! MailAddress("orders@shop.example", displayName: "Conveyor Shop")
    let customer = try! MailAddress("customer@example.com", displayName: "Ada Lovelace")
    // 2025-07-01T12:34:56Z, a Tuesday.
    let date = Date(timeIntervalSince1970: 1_751_373_296)

    func render(
        subject: String = "Your order",
        body: String = "Hello.\n",
        to: [MailAddress]? = nil,
        messageID: String? = "<order-42@shop.example>",
        headers: [MailHeaderField] = []
    ) throws -> (text: String, parsed: ParsedMail) {
        let message = try EmailMessage(
            from: from, to: to ?? [customer], subject: subject, body: body, date: date,
            messageID: messageID, headers: headers)
        let raw = message.rendered()
        return (String(decoding: raw, as: UTF8.self), ParsedMail(raw))
    }

    @Test func rendersTheStandardHeadersInOrder() throws {
        let (text, parsed) = try render(
            headers: [
                MailHeaderField(name: "traceparent", value: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                MailHeaderField(name: "X-Conveyor-Order-Id", value: "8d1f3c52-0f0e-4a55-9a57-2f0a4f8a9b11"),
            ])
        #expect(
            text == """
                Date: Tue, 01 Jul 2025 12:34:56 +0000\r
                From: Conveyor Shop <orders@shop.example>\r
                To: Ada Lovelace <customer@example.com>\r
                Subject: Your order\r
                Message-ID: <order-42@shop.example>\r
                MIME-Version: 1.0\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: 7bit\r
                traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r
                X-Conveyor-Order-Id: 8d1f3c52-0f0e-4a55-9a57-2f0a4f8a9b11\r
                \r
                Hello.\r

                """)
        #expect(parsed.header("Subject") == "Your order")
    }

    @Test func everyLineEndsInCRLF() throws {
        let (text, _) = try render(body: "one\ntwo\r\nthree\rfour")
        let bytes = Array(text.utf8)
        #expect(ParsedMail.crlfLines(bytes) != nil)
        #expect(text.hasSuffix("one\r\ntwo\r\nthree\r\nfour\r\n"))
    }

    @Test func generatesAMessageIDWithTheSendersDomain() throws {
        let message = try EmailMessage(from: from, to: [customer], subject: "s", body: "b")
        #expect(message.messageID.hasPrefix("<"))
        #expect(message.messageID.hasSuffix("@shop.example>"))
        let other = try EmailMessage(from: from, to: [customer], subject: "s", body: "b")
        #expect(message.messageID != other.messageID)
    }

    @Test func acceptsMessageIDsWithOrWithoutBrackets() throws {
        let bare = try EmailMessage(from: from, to: [customer], subject: "s", body: "b", messageID: "evt-1@shop.example")
        #expect(bare.messageID == "<evt-1@shop.example>")
        for bad in ["no-at", "<a b@c>", "a@b\r\nBcc: x@y", "<>", "a@b@c"] {
            #expect(throws: EmailMessageError.invalidMessageID(bad)) {
                try EmailMessage(from: from, to: [customer], subject: "s", body: "b", messageID: bad)
            }
        }
    }

    @Test func encodesNonASCIISubjectsAsEncodedWords() throws {
        let subject = "Ihre Bestellung ist unterwegs 🚚 – Größe L, Farbe Grün, Lieferung am Dienstag"
        let (text, parsed) = try render(subject: subject)
        let subjectLines = parsed.headerLines.drop { !$0.hasPrefix("Subject:") }
            .prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subjectLines.count > 1)
        for line in subjectLines {
            #expect(line.utf8.count <= 78)
            #expect(line.utf8.allSatisfy { $0 < 0x80 })
        }
        #expect(text.contains("Subject: =?utf-8?B?"))
        #expect(ParsedMail.decodeEncodedWords(parsed.header("Subject")!) == subject)
    }

    @Test func encodesASCIISubjectsThatLookLikeEncodedWords() throws {
        let subject = "literally =?utf-8?B?Zm9v?= here"
        let (_, parsed) = try render(subject: subject)
        #expect(parsed.header("Subject")!.hasPrefix("=?utf-8?B?"))
        #expect(ParsedMail.decodeEncodedWords(parsed.header("Subject")!) == subject)
    }

    @Test func foldsLongASCIISubjectsLosslessly() throws {
        let subject = (1...30).map { "word\($0)" }.joined(separator: " ") + "  two  spaces "
        let (_, parsed) = try render(subject: subject)
        #expect(parsed.headerLines.filter { $0.hasPrefix(" ") }.count >= 2)
        #expect(parsed.headerLines.allSatisfy { $0.utf8.count <= 78 })
        #expect(parsed.header("Subject") == subject)
    }

    @Test func encodesAnUnfoldableSubjectInsteadOfPassing998Characters() throws {
        let subject = "x" + String(repeating: "y", count: 1200)
        let (_, parsed) = try render(subject: subject)
        #expect(parsed.headerLines.allSatisfy { $0.utf8.count <= 998 })
        #expect(ParsedMail.decodeEncodedWords(parsed.header("Subject")!) == subject)
    }

    @Test func writesDisplayNames() throws {
        let recipients = [
            try MailAddress("a@example.com", displayName: "Jürgen Müller"),
            try MailAddress("b@example.com", displayName: "Doe, Jane \"JD\""),
            try MailAddress("c@example.com"),
        ]
        let (_, parsed) = try render(to: recipients)
        let to = parsed.header("To")!
        #expect(to.contains("<a@example.com>,"))
        #expect(to.contains("\"Doe, Jane \\\"JD\\\"\" <b@example.com>,"))
        #expect(to.hasSuffix("c@example.com"))
        #expect(ParsedMail.decodeEncodedWords(to).hasPrefix("Jürgen Müller <a@example.com>,"))
        #expect(parsed.headerLines.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } })
    }

    @Test func encodesNonASCIIExtraHeaderValues() throws {
        let (_, parsed) = try render(headers: [MailHeaderField(name: "X-Customer-City", value: "Zürich")])
        #expect(parsed.header("X-Customer-City")!.hasPrefix("=?utf-8?B?"))
        #expect(ParsedMail.decodeEncodedWords(parsed.header("X-Customer-City")!) == "Zürich")
    }

    @Test func rejectsHeaderInjection() {
        #expect(throws: EmailMessageError.invalidSubject) {
            try EmailMessage(from: from, to: [customer], subject: "Hi\r\nBcc: victim@example.com", body: "")
        }
        #expect(throws: EmailMessageError.invalidSubject) {
            try EmailMessage(from: from, to: [customer], subject: "Hi\nX-Evil: 1", body: "")
        }
        #expect(throws: EmailMessageError.invalidHeaderValue(name: "X-Order")) {
            try MailHeaderField(name: "X-Order", value: "1\r\n\r\nforged body")
        }
        #expect(throws: EmailMessageError.invalidHeaderValue(name: "X-Order")) {
            try MailHeaderField(name: "X-Order", value: "1\u{0}")
        }
        #expect(throws: EmailMessageError.invalidHeaderName("X-Evil\r\nBcc")) {
            try MailHeaderField(name: "X-Evil\r\nBcc", value: "v")
        }
        #expect(throws: EmailMessageError.invalidHeaderName("X Order")) {
            try MailHeaderField(name: "X Order", value: "v")
        }
        #expect(throws: EmailMessageError.invalidHeaderName("X:Order")) {
            try MailHeaderField(name: "X:Order", value: "v")
        }
    }

    @Test func rejectsHeadersItWritesItself() {
        for name in ["Bcc", "message-id", "Content-Type", "FROM", "Date"] {
            #expect(throws: EmailMessageError.reservedHeader(name)) { try MailHeaderField(name: name, value: "x") }
        }
    }

    @Test func needsARecipient() {
        #expect(throws: EmailMessageError.noRecipients) {
            try EmailMessage(from: from, to: [], subject: "s", body: "b")
        }
    }

    @Test func usesQuotedPrintableForNonASCIIAndLongLines() throws {
        let long = String(repeating: "0123456789", count: 120)
        let body = "Grüße aus Köln\n\(long)\n.a line starting with a dot\n.\nend with space "
        let (_, parsed) = try render(body: body)
        #expect(parsed.header("Content-Transfer-Encoding") == "quoted-printable")
        let lines = try #require(ParsedMail.crlfLines(parsed.body))
        #expect(lines.allSatisfy { $0.count <= 76 && $0.allSatisfy { $0 < 0x80 } })
        let decoded = ParsedMail.decodeQuotedPrintable(parsed.body)
        let expected = body.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        #expect(decoded == Array(expected.utf8))
        // The dot lines are sent as they are: libcurl dot-stuffs.
        #expect(lines.contains { String(decoding: $0, as: UTF8.self) == "." })
        #expect(lines.contains { String(decoding: $0, as: UTF8.self) == ".a line starting with a dot" })
    }

    @Test func keepsShortASCIIBodiesIn7bit() throws {
        let (_, parsed) = try render(body: "Order 42 shipped.\n\n.\nThanks")
        #expect(parsed.header("Content-Transfer-Encoding") == "7bit")
        #expect(parsed.body == Array("Order 42 shipped.\r\n\r\n.\r\nThanks\r\n".utf8))
    }
}
