import Mail
import Synchronization

/// A few SMTP connections used in turn, so e-mails go out in parallel (each ``SMTPMailer``
/// sends one message at a time over its own connection).
final class MailerPool: Sendable {
    private let mailers: [SMTPMailer]
    private let next = Atomic<Int>(0)

    init(configuration: SMTPConfiguration, size: Int) {
        precondition(size > 0)
        mailers = (0..<size).map { _ in SMTPMailer(configuration: configuration) }
    }

    func send(_ message: EmailMessage) async throws(SMTPError) {
        let index = next.add(1, ordering: .relaxed).oldValue % mailers.count
        try await mailers[index].send(message)
    }

    func close() async {
        for mailer in mailers {
            await mailer.close()
        }
    }
}
