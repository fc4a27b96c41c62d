/// An error from the AMQP layer: the broker's reply code and text, or rabbitmq-c's own message.
public enum AMQPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A URL or option that cannot be used; the text names it.
    case invalidConfiguration(String)
    /// rabbitmq-c reported a failure (`amqp_error_string2` text) during `operation`.
    case library(operation: String, message: String)
    /// The broker closed the connection (`connection.close`).
    case connectionClosedByBroker(code: UInt16, text: String)
    /// The broker closed the channel (`channel.close`), for example on a declaration mismatch.
    case channelClosedByBroker(code: UInt16, text: String)
    /// The connection stopped answering: no data from the broker for two heartbeat intervals.
    case missedHeartbeats
    /// A `mandatory` message matched no queue and came back as `basic.return`.
    case unroutable(code: UInt16, text: String, exchange: String, routingKey: String)
    /// The broker refused responsibility for a message (`basic.nack`).
    case nacked(exchange: String, routingKey: String)
    /// The operation did not finish in time.
    case timedOut(operation: String, after: Duration)
    /// The broker cancelled the consumer (`basic.cancel`), for example because its queue was deleted.
    case consumerCancelledByBroker(queue: String)
    /// The service has shut down and takes no more work.
    case shutDown

    public var description: String {
        switch self {
        case .invalidConfiguration(let text):
            return "invalid AMQP configuration: \(text)"
        case .library(let operation, let message):
            return "\(operation): \(message)"
        case .connectionClosedByBroker(let code, let text):
            return "connection closed by broker: \(code) \(text)"
        case .channelClosedByBroker(let code, let text):
            return "channel closed by broker: \(code) \(text)"
        case .missedHeartbeats:
            return "missed heartbeats from broker"
        case .unroutable(let code, let text, let exchange, let routingKey):
            return "message to exchange '\(exchange)' with routing key '\(routingKey)' was returned: \(code) \(text)"
        case .nacked(let exchange, let routingKey):
            return "broker nacked message to exchange '\(exchange)' with routing key '\(routingKey)'"
        case .timedOut(let operation, let after):
            return "\(operation) timed out after \(after)"
        case .consumerCancelledByBroker(let queue):
            return "broker cancelled the consumer of queue '\(queue)'"
        case .shutDown:
            return "shut down"
        }
    }
}

extension AMQPError {
    /// True when the broker is still talking to us after `error` (it closed only the channel),
    /// so the connection can be closed with the usual handshake.
    static func leavesConnectionOpen(_ error: any Error) -> Bool {
        if case .channelClosedByBroker = error as? AMQPError { return true }
        return false
    }
}
