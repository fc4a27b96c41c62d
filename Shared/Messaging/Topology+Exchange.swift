extension Topology {
    /// An exchange to declare.
    public struct Exchange: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable {
            case direct, topic, fanout, headers
        }

        public var name: String
        public var kind: Kind
        public var durable: Bool
        public var arguments: [String: HeaderValue]

        public init(name: String, kind: Kind, durable: Bool = true, arguments: [String: HeaderValue] = [:]) {
            self.name = name
            self.kind = kind
            self.durable = durable
            self.arguments = arguments
        }
    }
}
