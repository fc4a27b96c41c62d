import ConveyorRuntime
import Logging
import Messaging
import Orders

/// The handler `serve` runs on each message of a DLQ: store it in `dead_letters`, then let
/// the ``DeliveryProcessor`` ack it.
///
/// It answers only `.done` (stored now, or stored before: the ack is then safe) or
/// `.dependencyUnavailable` (anything went wrong: the delivery is held, unacked, intake pauses
/// and the store is tried again after a backoff). A message read from a DLQ is never
/// retried through a tier, dead-lettered again or dropped.
struct DeadLetterRecorder: Sendable {
    let store: DeadLetterStore
    let metrics: DeadLetterMetrics
    let logger: Logger

    func handle(_ delivery: Delivery) async -> HandlerOutcome {
        let record = DeadLetterRecord(
            message: delivery.message, queue: delivery.queue, exchange: delivery.exchange, routingKey: delivery.routingKey)
        var metadata: Logger.Metadata = [
            "queue": "\(record.queue)", "reason": "\(record.reason)", "message_id": "\(record.messageID ?? "")",
        ]
        if let eventID = record.eventID { metadata["eventId"] = "\(eventID.lowercasedString)" }
        if let orderID = record.orderID { metadata["orderId"] = "\(orderID.lowercasedString)" }
        if let trace = delivery.message.traceparent.flatMap(TraceContext.init(traceparent:)) {
            metadata["traceId"] = "\(trace.traceID)"
        }
        do {
            if let id = try await store.record(record) {
                metrics.recorded(queue: record.queue, reason: record.reason)
                metadata["dead_letter_id"] = "\(id)"
                logger.notice("dead letter recorded", metadata: metadata)
            } else {
                metrics.duplicate(queue: record.queue)
                logger.info("dead letter was recorded before; acknowledging the redelivered copy", metadata: metadata)
            }
            return .done
        } catch {
            return .dependencyUnavailable(detail: "could not record the dead letter: \(error)")
        }
    }
}
