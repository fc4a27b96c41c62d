import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Mail
import Metrics
import Messaging
import Orders
import Storage

/// Sends the customer an e-mail for each order event and records it in `notifications`
/// (one row per event and channel): sent, or failed with the error, and the attempts.
///
/// A redelivered event whose e-mail is recorded as sent sends nothing. The row is locked
/// while its e-mail is sent, so two replicas never send the same one at once. SMTP being
/// unreachable, timing out or deferring (4xx) is not the message's fault: the handler reports
/// the dependency unavailable and the consumer holds the message until SMTP answers. A
/// permanent rejection (5xx) is recorded as failed and not tried again.
struct EmailDispatch: Sendable {
    static let channel = "email"

    let pool: PostgresPool
    let mailers: MailerPool
    let sender: MailAddress
    /// Who gets the e-mail when the order has no customer e-mail address.
    let fallbackRecipient: MailAddress?
    let logger: Logger
    /// `conveyor_notifications_total{channel, status}`: e-mails sent, and e-mails given up
    /// (a permanent rejection, or no recipient), each counted once. Both series exist from the
    /// start, so the first of each shows in rate() and increase().
    private let sent = Self.notifications(status: "sent")
    private let failed = Self.notifications(status: "failed")

    enum Result: Equatable, Sendable {
        case sent
        case alreadySent
        case alreadyFailed
        case rejected(String)
        case noRecipient
        /// SMTP could not take it now (unreachable, timeout, 4xx); the attempt is recorded.
        case deferred(String)

        /// The `result` of the "notification handled" log line.
        var logValue: String {
            switch self {
            case .sent: "sent"
            case .alreadySent: "alreadySent"
            case .alreadyFailed: "alreadyFailed"
            case .rejected(let error): "rejected: \(error)"
            case .noRecipient: "noRecipient"
            case .deferred(let error): "deferred: \(error)"
            }
        }
    }

    /// The handler the consumer pipeline runs on each batch of deliveries.
    func handle(_ deliveries: [Delivery]) async -> [HandlerOutcome] {
        await deliveries.outcomes { delivery throws(MalformedMessage) in
            let event: OrderEvent
            do {
                event = try OrderEvent.decode(from: delivery.message.body)
            } catch {
                throw MalformedMessage("not an order event: \(error)")
            }
            guard let type = event.eventType, type != .orderCreated else {
                throw MalformedMessage("notifier handles order.processed, order.failed and order.cancelled, not \(event.type)")
            }
            return event
        } handlingTogether: { events in
            await handle(events)
        }
    }

    private func handle(_ events: [OrderEvent]) async -> [HandlerOutcome] {
        guard !events.isEmpty else { return [] }
        // An address or header that cannot make an e-mail never will: that message alone gives up.
        var outcomes = [HandlerOutcome?](repeating: nil, count: events.count)
        var emails: [(position: Int, email: PreparedEmail)] = []
        for (position, event) in events.enumerated() {
            do {
                emails.append((position, try prepare(event)))
            } catch {
                outcomes[position] = .giveUp(reason: "invalid-email", detail: "\(error)")
            }
        }
        do {
            let results = try await dispatch(emails.map(\.email))
            for ((position, email), result) in zip(emails, results) {
                outcomes[position] = outcome(of: result, logger: logger(for: email.event))
            }
        } catch let error as PostgresError where error.isUnavailable || error.isConnectionFailure || error.kind == .acquireTimeout {
            logger.warning("database unavailable; holding the messages", metadata: ["error": "\(error)", "messages": "\(emails.count)"])
            for (position, _) in emails {
                outcomes[position] = .dependencyUnavailable(detail: "\(error)")
            }
        } catch let error where emails.count > 1 {
            logger.warning("batch failed; sending its e-mails one at a time", metadata: ["error": "\(error)", "messages": "\(emails.count)"])
            for (position, email) in emails {
                outcomes[position] = await handle([email.event])[0]
            }
        } catch {
            for (position, email) in emails {
                logger(for: email.event).error("notification failed", metadata: ["error": "\(error)"])
                outcomes[position] = .retry(reason: "notification-error", detail: "\(error)")
            }
        }
        return outcomes.map { $0! }
    }

    private func outcome(of result: Result, logger: Logger) -> HandlerOutcome {
        if case .deferred(let error) = result {
            logger.warning("mail server unavailable; holding the message", metadata: ["error": "\(error)"])
            return .dependencyUnavailable(detail: error)
        }
        logger.info("notification handled", metadata: ["result": "\(result.logValue)"])
        switch result {
        case .sent: sent.increment()
        case .rejected, .noRecipient: failed.increment()
        case .alreadySent, .alreadyFailed: return .duplicate
        case .deferred: break
        }
        return .done
    }

    private func logger(for event: OrderEvent) -> Logger {
        var logger = logger
        logger[metadataKey: "orderId"] = "\(event.data.orderId.lowercasedString)"
        logger[metadataKey: "eventId"] = "\(event.id.lowercasedString)"
        if let trace = event.traceparent.flatMap(TraceContext.init(traceparent:)) {
            logger[metadataKey: "traceId"] = "\(trace.traceID)"
        }
        return logger
    }

    private static func notifications(status: String) -> Counter {
        Counter(label: "conveyor_notifications_total", dimensions: [("channel", channel), ("status", status)])
    }

    /// An event's e-mail, built before any row is touched; `message` is nil without a recipient.
    struct PreparedEmail: Sendable {
        var event: OrderEvent
        var recipient: MailAddress?
        var subject: String
        var message: EmailMessage?
    }

    func prepare(_ event: OrderEvent) throws -> PreparedEmail {
        let content = OrderEmail(event: event)
        guard let recipient = try recipient(for: event) else {
            return PreparedEmail(event: event, recipient: nil, subject: content.subject, message: nil)
        }
        let message = try EmailMessage(
            from: sender, to: [recipient], subject: content.subject, body: content.body, date: Date(),
            messageID: "<\(event.id.lowercasedString)@\(sender.domain)>",
            headers: try headers(for: event))
        return PreparedEmail(event: event, recipient: recipient, subject: content.subject, message: message)
    }

    /// Sends the e-mails not sent before, in parallel, and records each outcome; one result per
    /// e-mail. Their rows stay locked until the outcomes are recorded, so two replicas never
    /// send the same e-mail at once.
    func dispatch(_ emails: [PreparedEmail]) async throws -> [Result] {
        guard !emails.isEmpty else { return [] }
        return try await pool.withTransaction { transaction in
            try await transaction.execute(
                """
                INSERT INTO notifications (event_id, channel, order_id, recipient, subject)
                SELECT n.event_id, $1, n.order_id, n.recipient, n.subject
                FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS n(event_id, order_id, recipient, subject)
                ON CONFLICT (event_id, channel) DO NOTHING
                """,
                [
                    Self.channel, PostgresArray(emails.map(\.event.id)), PostgresArray(emails.map(\.event.data.orderId)),
                    PostgresArray(emails.map { $0.recipient?.address ?? "" }), PostgresArray(emails.map(\.subject)),
                ])
            let rows = try await transaction.query(
                "SELECT event_id, status FROM notifications WHERE channel = $1 AND event_id = ANY($2::uuid[]) ORDER BY event_id FOR UPDATE",
                [Self.channel, PostgresArray(emails.map(\.event.id))])
            var statuses: [UUID: String] = [:]
            for row in rows {
                statuses[try row.decode(UUID.self, "event_id")] = try row.decode(String.self, "status")
            }

            var results = [Result?](repeating: nil, count: emails.count)
            var outgoing: [(position: Int, message: EmailMessage)] = []
            var claimed = Set<UUID>()
            for (position, email) in emails.enumerated() {
                let id = email.event.id
                switch statuses[id] {
                case "sent"?: results[position] = .alreadySent
                case "failed"?: results[position] = .alreadyFailed
                default:
                    if !claimed.insert(id).inserted {
                        results[position] = .alreadySent  // the same event twice in one batch: one e-mail
                    } else if let message = email.message {
                        outgoing.append((position, message))
                    } else {
                        results[position] = .noRecipient
                    }
                }
            }
            for (position, result) in await send(outgoing) {
                results[position] = result
            }

            var updates: [(eventID: UUID, status: String, error: String?)] = []
            for (position, result) in results.enumerated() {
                let eventID = emails[position].event.id
                switch result! {
                case .sent: updates.append((eventID, "sent", nil))
                case .rejected(let error): updates.append((eventID, "failed", error))
                // Count the attempt and keep the row pending; the consumer waits for SMTP.
                case .deferred(let error): updates.append((eventID, "pending", error))
                case .noRecipient:
                    updates.append((eventID, "failed", "the order has no e-mail address and no fallback recipient is configured"))
                case .alreadySent, .alreadyFailed: break
                }
            }
            if !updates.isEmpty {
                try await transaction.execute(
                    """
                    UPDATE notifications n SET status = u.status, attempts = n.attempts + 1, last_error = u.error,
                        sent_at = CASE WHEN u.status = 'sent' THEN clock_timestamp() ELSE n.sent_at END
                    FROM unnest($2::uuid[], $3::text[], $4::text[]) AS u(event_id, status, error)
                    WHERE n.channel = $1 AND n.event_id = u.event_id
                    """,
                    [
                        Self.channel, PostgresArray(updates.map(\.eventID)), PostgresArray(updates.map(\.status)),
                        PostgresArray(updates.map(\.error)),
                    ])
            }
            return results.map { $0! }
        }
    }

    /// Sends the messages over the mailer pool's connections at once.
    private func send(_ outgoing: [(position: Int, message: EmailMessage)]) async -> [(Int, Result)] {
        await withTaskGroup(of: (Int, Result).self) { group in
            for (position, message) in outgoing {
                group.addTask {
                    do throws(SMTPError) {
                        try await mailers.send(message)
                        return (position, .sent)
                    } catch where error.isPermanent {
                        return (position, .rejected("\(error)"))
                    } catch {
                        return (position, .deferred("\(error)"))
                    }
                }
            }
            var results: [(Int, Result)] = []
            for await result in group {
                results.append(result)
            }
            return results
        }
    }

    private func recipient(for event: OrderEvent) throws -> MailAddress? {
        if let email = event.data.customer.email {
            return try MailAddress(email, displayName: event.data.customer.name)
        }
        return fallbackRecipient
    }

    private func headers(for event: OrderEvent) throws -> [MailHeaderField] {
        var headers = [
            try MailHeaderField(name: "X-Conveyor-Order-Id", value: event.data.orderId.lowercasedString),
            try MailHeaderField(name: "X-Conveyor-Event-Id", value: event.id.lowercasedString),
            try MailHeaderField(name: "X-Conveyor-Event-Type", value: event.type),
        ]
        if let traceparent = event.traceparent {
            headers.append(try MailHeaderField(name: "traceparent", value: traceparent))
        }
        return headers
    }
}
