import Messaging

/// The exchanges every publisher of domain events declares.
public enum EventTopology {
    /// `conveyor.events`, the durable topic exchange of every domain event.
    public static let events = Topology(exchanges: [
        .init(name: ConsumerTopology.defaultEventsExchange, kind: .topic)
    ])
}
