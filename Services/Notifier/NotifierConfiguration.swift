import Mail
import ServiceSupport

/// notifier's configuration, from environment variables.
///
/// - `OPS_HOST`, `OPS_PORT`: where `/healthz`, `/readyz` and `/metrics` are served; default 127.0.0.1:9092.
/// - `LOG_LEVEL`, `LOG_FORMAT`, `AMQP_URL`, `DATABASE_URL` and their companions: see ``ServiceSettings``.
/// - `RETRY_DELAYS`, `MAX_ATTEMPTS`, `DELIVERY_LIMIT`, `PREFETCH`, `CONCURRENCY`: see ``ConsumerSettings``.
/// - `SMTP_URL` (required): `smtp://[user:password@]host:port` (STARTTLS when offered; required
///   with credentials) or `smtps://…`; options as ``SMTPConfiguration`` documents them.
/// - `SMTP_FROM`: the sender; default `Conveyor <orders@conveyor.local>`.
/// - `SMTP_CONNECTIONS`: SMTP connections used in parallel, 1–32; default 4.
/// - `NOTIFY_FALLBACK_RECIPIENT`: who gets the e-mail of an order without a customer e-mail
///   address; when unset, such notifications are recorded as failed.
struct NotifierConfiguration: ServiceConfiguration {
    static let service = "notifier"

    var settings: ServiceSettings
    var ops: OpsConfiguration
    var consumer: ConsumerSettings
    var smtp: SMTPConfiguration
    var smtpConnections: Int
    var fallbackRecipient: MailAddress?

    init(environment: [String: String]) throws(ConfigurationError) {
        var reader = ConfigurationReader(environment: environment)
        settings = ServiceSettings(service: Self.service, reader: &reader)
        ops = OpsConfiguration(reader: &reader, defaultPort: 9092)
        consumer = ConsumerSettings(reader: &reader)
        smtpConnections = reader.int("SMTP_CONNECTIONS", default: 4, range: 1...32)
        let defaultSender = try! MailAddress("orders@conveyor.local", displayName: "Conveyor")
        var sender = defaultSender
        if let from = reader.optionalString("SMTP_FROM") {
            if let parsed = Self.address(from) {
                sender = parsed
            } else {
                reader.report("SMTP_FROM", expected: "an e-mail address, optionally with a name: Conveyor <orders@example.com>", found: from)
            }
        }
        fallbackRecipient = nil
        if let fallback = reader.optionalString("NOTIFY_FALLBACK_RECIPIENT") {
            fallbackRecipient = Self.address(fallback)
            if fallbackRecipient == nil {
                reader.report("NOTIFY_FALLBACK_RECIPIENT", expected: "an e-mail address", found: fallback)
            }
        }
        let url = reader.url("SMTP_URL", schemes: ["smtp", "smtps"])
        var smtp: SMTPConfiguration?
        if !url.isEmpty {
            do {
                smtp = try SMTPConfiguration(url: url, sender: sender)
            } catch {
                reader.report("SMTP_URL", expected: "an SMTP URL like smtp://mail.example.com:587 (\(error.reason))")
            }
        }
        try reader.validate()
        guard let smtp else { preconditionFailure("validate() reports a missing or malformed SMTP_URL") }
        self.smtp = smtp
    }
}

extension NotifierConfiguration {
    /// Reads `name@example.com` or `Display Name <name@example.com>`.
    static func address(_ text: String) -> MailAddress? {
        if let open = text.lastIndex(of: "<"), text.hasSuffix(">") {
            var name = Substring(text[..<open].trimmingSpaces())
            while name.first == "\"" { name.removeFirst() }
            while name.last == "\"" { name.removeLast() }
            let address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            return try? MailAddress(address, displayName: name.isEmpty ? nil : String(name))
        }
        return try? MailAddress(text)
    }
}
