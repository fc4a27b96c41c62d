extension Topology {
    /// A queue to declare. The typed properties become the usual `x-` arguments; anything else
    /// goes in ``arguments``.
    public struct Queue: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable {
            /// Replicated, durable, with delivery limits and at-least-once dead-lettering.
            case quorum
            case classic
        }

        public var name: String
        public var kind: Kind
        /// Quorum queues are always durable.
        public var durable: Bool
        /// `x-delivery-limit` (quorum only): after this many redeliveries the message is
        /// dead-lettered. Must be positive: 3.x reads a negative limit as "drop after one try",
        /// 4.x as "unlimited".
        public var deliveryLimit: Int?
        /// `x-dead-letter-exchange`; `""` is the default exchange.
        public var deadLetterExchange: String?
        /// `x-dead-letter-routing-key`.
        public var deadLetterRoutingKey: String?
        /// `x-message-ttl`.
        public var messageTTL: Duration?
        /// Other arguments, for example `x-max-length`.
        public var arguments: [String: HeaderValue]

        public init(
            name: String,
            kind: Kind = .quorum,
            durable: Bool = true,
            deliveryLimit: Int? = nil,
            deadLetterExchange: String? = nil,
            deadLetterRoutingKey: String? = nil,
            messageTTL: Duration? = nil,
            arguments: [String: HeaderValue] = [:]
        ) {
            precondition(deliveryLimit.map { $0 > 0 } ?? true, "x-delivery-limit must be positive")
            precondition(kind == .classic || durable, "quorum queues are durable")
            self.name = name
            self.kind = kind
            self.durable = durable
            self.deliveryLimit = deliveryLimit
            self.deadLetterExchange = deadLetterExchange
            self.deadLetterRoutingKey = deadLetterRoutingKey
            self.messageTTL = messageTTL
            self.arguments = arguments
        }

        /// The arguments sent with `queue.declare`.
        public var declarationArguments: [String: HeaderValue] {
            var result = arguments
            result["x-queue-type"] = .string(kind.rawValue)
            if let deliveryLimit { result["x-delivery-limit"] = .int(Int64(deliveryLimit)) }
            if let deadLetterExchange { result["x-dead-letter-exchange"] = .string(deadLetterExchange) }
            if let deadLetterRoutingKey { result["x-dead-letter-routing-key"] = .string(deadLetterRoutingKey) }
            if let messageTTL {
                result["x-message-ttl"] = .int(Int64(messageTTL.components.seconds) * 1000
                    + messageTTL.components.attoseconds / 1_000_000_000_000_000)
            }
            return result
        }
    }
}
