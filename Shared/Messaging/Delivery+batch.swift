extension Array where Element == Delivery {
    /// The outcomes of a batch handler that decodes each delivery first: the deliveries that
    /// decode are handled together by `handle` (one outcome each, in order), the others are
    /// `.malformed` with the decoder's detail. One outcome per delivery, in order.
    public func outcomes<Value>(
        decodingEach decode: (Delivery) throws(MalformedMessage) -> Value,
        handlingTogether handle: ([Value]) async -> [HandlerOutcome]
    ) async -> [HandlerOutcome] {
        var outcomes = [HandlerOutcome?](repeating: nil, count: count)
        var decoded: [(position: Int, value: Value)] = []
        for (position, delivery) in enumerated() {
            do throws(MalformedMessage) {
                decoded.append((position, try decode(delivery)))
            } catch {
                outcomes[position] = .malformed(detail: error.detail)
            }
        }
        if !decoded.isEmpty {
            let handled = await handle(decoded.map(\.value))
            precondition(handled.count == decoded.count, "a batch handler returns one outcome per value")
            for ((position, _), outcome) in zip(decoded, handled) {
                outcomes[position] = outcome
            }
        }
        return outcomes.map { $0! }
    }
}
