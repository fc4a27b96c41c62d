import CRabbitMQ
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Message {
    /// The AMQP properties for publishing, persistent, in `scope`'s memory.
    func basicProperties(in scope: CMemoryScope) -> amqp_basic_properties_t {
        var properties = amqp_basic_properties_t()
        var flags = UInt32(AMQP_BASIC_DELIVERY_MODE_FLAG)
        properties.delivery_mode = 2
        func set(_ value: String?, _ flag: Int32, _ field: WritableKeyPath<amqp_basic_properties_t, amqp_bytes_t>) {
            guard let value else { return }
            properties[keyPath: field] = scope.bytes(value)
            flags |= UInt32(flag)
        }
        set(contentType, AMQP_BASIC_CONTENT_TYPE_FLAG, \.content_type)
        set(contentEncoding, AMQP_BASIC_CONTENT_ENCODING_FLAG, \.content_encoding)
        set(correlationID, AMQP_BASIC_CORRELATION_ID_FLAG, \.correlation_id)
        set(replyTo, AMQP_BASIC_REPLY_TO_FLAG, \.reply_to)
        set(expiration, AMQP_BASIC_EXPIRATION_FLAG, \.expiration)
        set(messageID, AMQP_BASIC_MESSAGE_ID_FLAG, \.message_id)
        set(type, AMQP_BASIC_TYPE_FLAG, \.type)
        set(appID, AMQP_BASIC_APP_ID_FLAG, \.app_id)
        if let timestamp {
            properties.timestamp = UInt64(max(0, timestamp.timeIntervalSince1970.rounded(.down)))
            flags |= UInt32(AMQP_BASIC_TIMESTAMP_FLAG)
        }
        if let priority {
            properties.priority = priority
            flags |= UInt32(AMQP_BASIC_PRIORITY_FLAG)
        }
        if !headers.isEmpty {
            properties.headers = HeaderValue.fieldTable(headers, in: scope)
            flags |= UInt32(AMQP_BASIC_HEADERS_FLAG)
        }
        properties._flags = amqp_flags_t(flags)
        return properties
    }

    /// A message with the properties of a received content header and an empty body.
    init(properties: amqp_basic_properties_t) {
        let flags = UInt32(properties._flags)
        func get(_ flag: Int32, _ field: amqp_bytes_t) -> String? {
            flags & UInt32(flag) != 0 ? field.string : nil
        }
        self.init(
            body: [],
            messageID: get(AMQP_BASIC_MESSAGE_ID_FLAG, properties.message_id),
            type: get(AMQP_BASIC_TYPE_FLAG, properties.type),
            contentType: get(AMQP_BASIC_CONTENT_TYPE_FLAG, properties.content_type),
            contentEncoding: get(AMQP_BASIC_CONTENT_ENCODING_FLAG, properties.content_encoding),
            correlationID: get(AMQP_BASIC_CORRELATION_ID_FLAG, properties.correlation_id),
            timestamp: flags & UInt32(AMQP_BASIC_TIMESTAMP_FLAG) != 0
                ? Date(timeIntervalSince1970: TimeInterval(properties.timestamp)) : nil,
            appID: get(AMQP_BASIC_APP_ID_FLAG, properties.app_id),
            replyTo: get(AMQP_BASIC_REPLY_TO_FLAG, properties.reply_to),
            expiration: get(AMQP_BASIC_EXPIRATION_FLAG, properties.expiration),
            priority: flags & UInt32(AMQP_BASIC_PRIORITY_FLAG) != 0 ? properties.priority : nil,
            headers: flags & UInt32(AMQP_BASIC_HEADERS_FLAG) != 0 ? HeaderValue.dictionary(from: properties.headers) : [:]
        )
    }
}
