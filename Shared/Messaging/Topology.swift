/// Exchanges, queues and bindings a service needs, declared idempotently on every (re)connect
/// before anything else happens on the connection.
public struct Topology: Sendable, Hashable {
    public var exchanges: [Exchange]
    public var queues: [Queue]
    public var bindings: [Binding]

    public init(exchanges: [Exchange] = [], queues: [Queue] = [], bindings: [Binding] = []) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
    }

    /// This topology plus what `other` adds; entries already present are not repeated.
    public func merging(_ other: Topology) -> Topology {
        var merged = self
        for exchange in other.exchanges where !merged.exchanges.contains(exchange) {
            merged.exchanges.append(exchange)
        }
        for queue in other.queues where !merged.queues.contains(queue) {
            merged.queues.append(queue)
        }
        for binding in other.bindings where !merged.bindings.contains(binding) {
            merged.bindings.append(binding)
        }
        return merged
    }

    public var isEmpty: Bool {
        exchanges.isEmpty && queues.isEmpty && bindings.isEmpty
    }
}
