import Foundation
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
    }

    func handle(_ delivery: Delivery) async -> HandlerOutcome {
        let event: OrderEvent
        do {
            event = try OrderEvent.decode(from: delivery.message.body)
        } catch {
            return .malformed(detail: "not an order event: \(error)")
        }
        guard let type = event.eventType, type != .orderCreated else {
            return .malformed(detail: "notifier handles order.processed, order.failed and order.cancelled, not \(event.type)")
        }
        var logger = logger
        logger[metadataKey: "orderId"] = "\(event.data.orderId.uuidString.lowercased())"
        logger[metadataKey: "eventId"] = "\(event.id.uuidString.lowercased())"
        if let trace = event.traceparent.flatMap(TraceContext.init(traceparent:)) {
            logger[metadataKey: "traceId"] = "\(trace.traceID)"
        }
        do {
            let result = try await dispatch(event, logger: logger)
            if case .deferred(let error) = result {
                logger.warning("mail server unavailable; holding the message", metadata: ["error": "\(error)"])
                return .dependencyUnavailable(detail: error)
            }
            logger.info("notification handled", metadata: ["result": "\(result)"])
            switch result {
            case .sent: sent.increment()
            case .rejected, .noRecipient: failed.increment()
            case .alreadySent, .alreadyFailed: return .duplicate
            case .deferred: break
            }
            return .done
        } catch let error as PostgresError where error.isUnavailable || error.isConnectionFailure || error.kind == .acquireTimeout {
            logger.warning("database unavailable; holding the message", metadata: ["error": "\(error)"])
            return .dependencyUnavailable(detail: "\(error)")
        } catch let error as EmailMessageError {
            return .giveUp(reason: "invalid-email", detail: "\(error)")
        } catch {
            logger.error("notification failed", metadata: ["error": "\(error)"])
            return .retry(reason: "notification-error", detail: "\(error)")
        }
    }

    private static func notifications(status: String) -> Counter {
        Counter(label: "conveyor_notifications_total", dimensions: [("channel", channel), ("status", status)])
    }

    func dispatch(_ event: OrderEvent, logger: Logger) async throws -> Result {
        let content = OrderEmail(event: event)
        let recipient = try recipient(for: event)
        return try await pool.withTransaction { transaction in
            try await transaction.execute(
                """
                INSERT INTO notifications (event_id, channel, order_id, recipient, subject)
                VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id, channel) DO NOTHING
                """,
                [event.id, Self.channel, event.data.orderId, recipient?.address ?? "", content.subject])
            let row = try await transaction.query(
                "SELECT status FROM notifications WHERE event_id = $1 AND channel = $2 FOR UPDATE", [event.id, Self.channel])
            switch try row.first?.decode(String.self, "status") {
            case "sent"?: return .alreadySent
            case "failed"?: return .alreadyFailed
            default: break
            }
            guard let recipient else {
                try await record(event, status: "failed", error: "the order has no e-mail address and no fallback recipient is configured", in: transaction)
                return .noRecipient
            }
            let message = try EmailMessage(
                from: sender, to: [recipient], subject: content.subject, body: content.body, date: Date(),
                messageID: "<\(event.id.uuidString.lowercased())@\(sender.domain)>",
                headers: try headers(for: event))
            do throws(SMTPError) {
                try await mailers.send(message)
            } catch let error where error.isPermanent {
                try await record(event, status: "failed", error: "\(error)", in: transaction)
                return .rejected("\(error)")
            } catch {
                // Count the attempt and keep the row pending; the consumer waits for SMTP.
                try await record(event, status: "pending", error: "\(error)", in: transaction)
                return .deferred("\(error)")
            }
            try await record(event, status: "sent", error: nil, in: transaction)
            return .sent
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
            try MailHeaderField(name: "X-Conveyor-Order-Id", value: event.data.orderId.uuidString.lowercased()),
            try MailHeaderField(name: "X-Conveyor-Event-Id", value: event.id.uuidString.lowercased()),
            try MailHeaderField(name: "X-Conveyor-Event-Type", value: event.type),
        ]
        if let traceparent = event.traceparent {
            headers.append(try MailHeaderField(name: "traceparent", value: traceparent))
        }
        return headers
    }

    private func record(_ event: OrderEvent, status: String, error: String?, in transaction: PostgresTransaction) async throws {
        try await transaction.execute(
            """
            UPDATE notifications SET status = $3, attempts = attempts + 1, last_error = $4,
                sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END
            WHERE event_id = $1 AND channel = $2
            """,
            [event.id, Self.channel, status, error])
    }
}
