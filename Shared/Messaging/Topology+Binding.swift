extension Topology {
    /// A queue bound to an exchange with a routing key (a pattern on topic exchanges).
    public struct Binding: Sendable, Hashable {
        public var queue: String
        public var exchange: String
        public var routingKey: String
        public var arguments: [String: HeaderValue]

        public init(queue: String, exchange: String, routingKey: String, arguments: [String: HeaderValue] = [:]) {
            self.queue = queue
            self.exchange = exchange
            self.routingKey = routingKey
            self.arguments = arguments
        }
    }
}
