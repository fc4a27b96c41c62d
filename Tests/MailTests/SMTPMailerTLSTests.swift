import Foundation
import Mail
import Testing
import TestSupport

/// STARTTLS against the sink with the self-signed `localhost` certificate in `Fixtures`
/// (valid for 127.0.0.1 and localhost).
@Suite struct SMTPMailerTLSTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let certificate = fixtures.appendingPathComponent("localhost.pem").path
    static let key = fixtures.appendingPathComponent("localhost-key.pem").path
    static let sinkArguments = ["--tls-cert", certificate, "--tls-key", key, "--require-tls"]

    let sender = try! MailAddress("orders@shop.example")

    func send(to sink: SMTPSink, query: String, userinfo: String = "") async throws {
        let configuration = try SMTPConfiguration(
            url: "smtp://\(userinfo)127.0.0.1:\(sink.port)?\(query)&timeout=5s", sender: sender)
        let message = try EmailMessage(
            from: sender, to: [MailAddress("customer@example.com")], subject: "Über TLS", body: "Hello.")
        try await SMTPMailer(configuration: configuration).send(message)
    }

    @Test func upgradesWithSTARTTLSAndChecksTheCertificate() async throws {
        try await withSMTPSink(Self.sinkArguments + ["--auth", "notifier:s3cret"]) { sink in
            // Credentials imply starttls=required.
            try await send(to: sink, query: "cacert=\(Self.certificate)", userinfo: "notifier:s3cret@")
            let stored = try sink.messages()
            try #require(stored.count == 1)
            #expect(stored[0].envelope.tls)
            #expect(stored[0].envelope.user == "notifier")
        }
    }

    @Test func opportunisticSTARTTLSUpgradesWhenOffered() async throws {
        try await withSMTPSink(Self.sinkArguments) { sink in
            try await send(to: sink, query: "starttls=opportunistic&cacert=\(Self.certificate)")
            #expect(try sink.messages().map(\.envelope.tls) == [true])
        }
    }

    @Test func anUntrustedCertificateIsATransientTLSFailure() async throws {
        try await withSMTPSink(Self.sinkArguments) { sink in
            let error = try await #require(throws: SMTPError.self) {
                try await send(to: sink, query: "starttls=required")
            }
            #expect(error.kind == .tls)
            #expect(!error.isPermanent)
            #expect(try sink.messages().isEmpty)
        }
    }

    @Test func verifyNoneAcceptsAnyCertificate() async throws {
        try await withSMTPSink(Self.sinkArguments) { sink in
            try await send(to: sink, query: "starttls=required&verify=none")
            #expect(try sink.messages().map(\.envelope.tls) == [true])
        }
    }
}
