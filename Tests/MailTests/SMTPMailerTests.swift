import Foundation
import Mail
import Testing
import TestSupport

/// Deliveries to a real SMTP server: `deploy/local/smtp-sink.py` (python3 + aiosmtpd),
/// started per test on a free port.
@Suite struct SMTPMailerTests {
    let sender = try! MailAddress("orders@shop.example", displayName: "Conveyor Shop")

    func mailer(_ sink: SMTPSink, query: String = "starttls=off&timeout=5s", userinfo: String = "") throws -> SMTPMailer {
        let configuration = try SMTPConfiguration(
            url: "smtp://\(userinfo)127.0.0.1:\(sink.port)?\(query)", sender: sender, heloName: "notifier.test")
        return SMTPMailer(configuration: configuration)
    }

    func message(to recipient: String = "customer@example.com", subject: String = "Your order", body: String = "Hello.")
        throws -> EmailMessage
    {
        try EmailMessage(from: sender, to: [MailAddress(recipient)], subject: subject, body: body)
    }

    @Test func deliversAMessageThatReadsBackIntact() async throws {
        try await withSMTPSink { sink in
            let longLine = String(repeating: "Lange Zeile mit Umlauten äöü und mehr Text. ", count: 30)
            #expect(longLine.utf8.count > 998)
            let body = """
                Hallo Jürgen,

                your order 42 has shipped.
                .this line starts with a dot
                .
                ..two dots
                \(longLine)
                trailing space\u{20}
                — Conveyor
                """
            let subject = "Ihre Bestellung 🚚 ist unterwegs – Größe L"
            let sent = try EmailMessage(
                from: sender,
                to: [MailAddress("customer@example.com", displayName: "Jürgen Müller"), MailAddress("audit@shop.example")],
                subject: subject,
                body: body,
                messageID: "<order-42.processed@shop.example>",
                headers: [
                    MailHeaderField(name: "traceparent", value: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                    MailHeaderField(name: "X-Conveyor-Order-Id", value: "42"),
                ])
            let mailer = try mailer(sink)
            try await mailer.send(sent)

            let stored = try sink.messages()
            try #require(stored.count == 1)
            let mail = stored[0]
            #expect(mail.envelope.mail_from == "orders@shop.example")
            #expect(mail.envelope.rcpt_tos == ["customer@example.com", "audit@shop.example"])
            // What arrived is exactly what was rendered: libcurl's dot-stuffing was undone by
            // the server, and nothing was stuffed twice.
            #expect(mail.raw == sent.rendered())

            let lines = try #require(ParsedMail.crlfLines(mail.raw))
            #expect(lines.allSatisfy { $0.count <= 998 })
            let parsed = ParsedMail(mail.raw)
            #expect(ParsedMail.decodeEncodedWords(parsed.header("Subject")!) == subject)
            #expect(ParsedMail.decodeEncodedWords(parsed.header("To")!).hasPrefix("Jürgen Müller <customer@example.com>"))
            #expect(parsed.header("Message-ID") == "<order-42.processed@shop.example>")
            #expect(parsed.header("traceparent") == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            #expect(parsed.header("X-Conveyor-Order-Id") == "42")
            #expect(parsed.header("MIME-Version") == "1.0")
            #expect(parsed.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(parsed.header("Content-Transfer-Encoding") == "quoted-printable")
            #expect(parsed.header("Date")?.hasSuffix("+0000") == true)
            let decodedBody = String(decoding: ParsedMail.decodeQuotedPrintable(parsed.body), as: UTF8.self)
            #expect(decodedBody == body.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
        }
    }

    @Test func reusesOneConnectionForConsecutiveMessages() async throws {
        try await withSMTPSink { sink in
            let mailer = try mailer(sink)
            for index in 1...3 {
                try await mailer.send(message(subject: "Message \(index)"))
            }
            let stored = try sink.messages()
            try #require(stored.count == 3)
            #expect(Set(stored.map(\.envelope.peer)).count == 1)
            await mailer.close()
            try await mailer.send(message(subject: "After close"))
            let afterClose = try sink.messages()
            try #require(afterClose.count == 4)
            #expect(afterClose[3].envelope.peer != afterClose[0].envelope.peer)
        }
    }

    @Test func aRejectedRecipientIsPermanent() async throws {
        try await withSMTPSink(["--reject", "^unknown@"]) { sink in
            let mailer = try mailer(sink)
            let error = try await #require(throws: SMTPError.self) {
                try await mailer.send(message(to: "unknown@example.com"))
            }
            #expect(error.kind == .rejected)
            #expect(error.isPermanent)
            #expect(error.replyCode == 550)
            #expect(error.command == "RCPT TO")
            #expect(error.reply?.contains("5.1.1 <unknown@example.com>: recipient rejected") == true)
            #expect(try sink.messages().isEmpty)
            // The mailer recovers: the next message goes out on a new connection.
            try await mailer.send(message(to: "known@example.com"))
            #expect(try sink.messages().map(\.envelope.rcpt_tos) == [["known@example.com"]])
        }
    }

    @Test func aDeferredRecipientIsTransient() async throws {
        try await withSMTPSink(["--defer", "^busy@"]) { sink in
            let mailer = try mailer(sink)
            let error = try await #require(throws: SMTPError.self) {
                try await mailer.send(message(to: "busy@example.com"))
            }
            #expect(error.kind == .deferred)
            #expect(!error.isPermanent)
            #expect(error.replyCode == 451)
            #expect(error.command == "RCPT TO")
        }
    }

    @Test func aRefusedConnectionIsTransient() async throws {
        let port = try LocalListener.closedPort()
        let configuration = try SMTPConfiguration(url: "smtp://127.0.0.1:\(port)?timeout=5s", sender: sender)
        let mailer = SMTPMailer(configuration: configuration)
        let error = try await #require(throws: SMTPError.self) { try await mailer.send(message()) }
        #expect(error.kind == .unreachable)
        #expect(!error.isPermanent)
        #expect(error.replyCode == nil)
        #expect(error.command == "connect")
        let probeError = try await #require(throws: SMTPError.self) { try await mailer.checkConnection() }
        #expect(probeError.kind == .unreachable)
    }

    @Test func aServerThatNeverGreetsTimesOut() async throws {
        let listener = try LocalListener()
        let configuration = try SMTPConfiguration(
            url: "smtp://127.0.0.1:\(listener.port)?starttls=off&timeout=1s", sender: sender)
        let mailer = SMTPMailer(configuration: configuration)
        let start = ContinuousClock.now
        let error = try await #require(throws: SMTPError.self) { try await mailer.send(message()) }
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(error.kind == .timeout)
        #expect(!error.isPermanent)
        withExtendedLifetime(listener) {}
    }

    @Test func authenticatesWithTheURLsCredentials() async throws {
        try await withSMTPSink(["--auth", "notifier:s3cret:with-colon"]) { sink in
            let good = try mailer(sink, userinfo: "notifier:s3cret%3Awith-colon@")
            try await good.checkConnection()
            try await good.send(message())
            #expect(try sink.messages().map(\.envelope.user) == ["notifier"])

            let bad = try mailer(sink, userinfo: "notifier:wrong@")
            let error = try await #require(throws: SMTPError.self) { try await bad.send(message()) }
            #expect(error.kind == .authentication)
            #expect(!error.isPermanent)
            #expect(error.command == "AUTH")
            #expect(error.replyCode == 535)
            let probeError = try await #require(throws: SMTPError.self) { try await bad.checkConnection() }
            #expect(probeError.kind == .authentication)

            let anonymous = try mailer(sink)
            let anonymousError = try await #require(throws: SMTPError.self) { try await anonymous.send(message()) }
            #expect(anonymousError.kind == .authentication)
            #expect(anonymousError.replyCode == 530)
            #expect(try sink.messages().count == 1)
        }
    }

    @Test func credentialsNeverGoOutWithoutTLSByDefault() async throws {
        try await withSMTPSink(["--auth", "notifier:s3cret"]) { sink in
            // No starttls option: with credentials it defaults to required, and the sink
            // offers no STARTTLS.
            let mailer = try mailer(sink, query: "timeout=5s", userinfo: "notifier:s3cret@")
            let error = try await #require(throws: SMTPError.self) { try await mailer.send(message()) }
            #expect(error.kind == .tls)
            #expect(!error.isPermanent)
            #expect(try sink.messages().isEmpty)
        }
    }

    @Test func checksTheConnection() async throws {
        try await withSMTPSink { sink in
            try await mailer(sink).checkConnection()
            #expect(try sink.messages().isEmpty)
        }
    }
}
