extension Consumer {
    /// The consumer's deliveries, across reconnects, until the consumer stops. Iterate it from
    /// one place; several iterators share the deliveries between them.
    public struct Deliveries: AsyncSequence, Sendable {
        public typealias Element = Delivery
        public typealias Failure = Never

        let buffer: DeliveryBuffer

        public struct AsyncIterator: AsyncIteratorProtocol {
            let buffer: DeliveryBuffer

            public mutating func next() async -> Delivery? {
                await buffer.next()
            }
        }

        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(buffer: buffer)
        }
    }
}
