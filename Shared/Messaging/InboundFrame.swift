import CRabbitMQ

/// A frame read from the broker, copied out of rabbitmq-c's memory.
enum InboundFrame: Sendable {
    case method(InboundMethod)
    /// A content header: the properties of the message whose body follows.
    case header(properties: Message, bodySize: UInt64)
    case body([UInt8])
    /// Anything else (frames on other channels, protocol headers).
    case ignored
}

/// The methods a publisher or consumer acts on, with their fields as Swift values.
enum InboundMethod: Sendable, Hashable {
    case basicAck(deliveryTag: UInt64, multiple: Bool)
    case basicNack(deliveryTag: UInt64, multiple: Bool)
    case basicReturn(replyCode: UInt16, replyText: String, exchange: String, routingKey: String)
    case basicDeliver(consumerTag: String, deliveryTag: UInt64, redelivered: Bool, exchange: String, routingKey: String)
    case basicCancel(consumerTag: String)
    case channelClose(replyCode: UInt16, replyText: String)
    case connectionClose(replyCode: UInt16, replyText: String)
    case connectionBlocked(reason: String)
    case connectionUnblocked
    case other(id: UInt32)

    /// True for methods followed by a content header and body frames.
    var carriesContent: Bool {
        switch self {
        case .basicDeliver, .basicReturn: return true
        default: return false
        }
    }
}

extension InboundFrame {
    /// Copies the parts of `frame` Conveyor uses.
    init(_ frame: amqp_frame_t) {
        switch Int32(frame.frame_type) {
        case AMQP_FRAME_METHOD:
            self = .method(InboundMethod(frame.payload.method))
        case AMQP_FRAME_HEADER:
            let header = frame.payload.properties
            guard let decoded = header.decoded else {
                self = .header(properties: Message(body: []), bodySize: header.body_size)
                return
            }
            let properties = decoded.assumingMemoryBound(to: amqp_basic_properties_t.self).pointee
            self = .header(properties: Message(properties: properties), bodySize: header.body_size)
        case AMQP_FRAME_BODY:
            self = .body(Array(frame.payload.body_fragment.buffer))
        default:
            self = .ignored
        }
    }
}

extension InboundMethod {
    init(_ method: amqp_method_t) {
        func decoded<T>(_ type: T.Type) -> T {
            method.decoded.assumingMemoryBound(to: T.self).pointee
        }
        switch method.id {
        case AMQP_BASIC_ACK_METHOD:
            let ack = decoded(amqp_basic_ack_t.self)
            self = .basicAck(deliveryTag: ack.delivery_tag, multiple: ack.multiple != 0)
        case AMQP_BASIC_NACK_METHOD:
            let nack = decoded(amqp_basic_nack_t.self)
            self = .basicNack(deliveryTag: nack.delivery_tag, multiple: nack.multiple != 0)
        case AMQP_BASIC_RETURN_METHOD:
            let returned = decoded(amqp_basic_return_t.self)
            self = .basicReturn(
                replyCode: returned.reply_code,
                replyText: returned.reply_text.string,
                exchange: returned.exchange.string,
                routingKey: returned.routing_key.string
            )
        case AMQP_BASIC_DELIVER_METHOD:
            let deliver = decoded(amqp_basic_deliver_t.self)
            self = .basicDeliver(
                consumerTag: deliver.consumer_tag.string,
                deliveryTag: deliver.delivery_tag,
                redelivered: deliver.redelivered != 0,
                exchange: deliver.exchange.string,
                routingKey: deliver.routing_key.string
            )
        case AMQP_BASIC_CANCEL_METHOD:
            self = .basicCancel(consumerTag: decoded(amqp_basic_cancel_t.self).consumer_tag.string)
        case AMQP_CHANNEL_CLOSE_METHOD:
            let close = decoded(amqp_channel_close_t.self)
            self = .channelClose(replyCode: close.reply_code, replyText: close.reply_text.string)
        case AMQP_CONNECTION_CLOSE_METHOD:
            let close = decoded(amqp_connection_close_t.self)
            self = .connectionClose(replyCode: close.reply_code, replyText: close.reply_text.string)
        case AMQP_CONNECTION_BLOCKED_METHOD:
            self = .connectionBlocked(reason: decoded(amqp_connection_blocked_t.self).reason.string)
        case AMQP_CONNECTION_UNBLOCKED_METHOD:
            self = .connectionUnblocked
        default:
            self = .other(id: method.id)
        }
    }
}
