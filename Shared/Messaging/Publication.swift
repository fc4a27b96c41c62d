/// One message of a ``Publisher/publish(_:)`` batch and where it goes.
public struct Publication: Sendable {
    public var message: Message
    public var exchange: String
    public var routingKey: String

    public init(_ message: Message, exchange: String, routingKey: String) {
        self.message = message
        self.exchange = exchange
        self.routingKey = routingKey
    }
}
