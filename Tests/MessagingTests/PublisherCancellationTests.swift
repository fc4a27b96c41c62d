import Logging
import Messaging
import Testing

/// A publisher that never connected holds what it is given; a caller that stops waiting gets
/// `CancellationError` for every message, whether it gave up before or after booking them.
@Suite struct PublisherCancellationTests {
    private func idlePublisher() throws -> Publisher {
        Publisher(
            configuration: try AMQPConfiguration(url: "amqp://guest:guest@127.0.0.1:1/"),
            connectionName: "cancellation test", logger: Logger(label: "test.publisher"))
    }

    private func batch(_ count: Int) -> [Publication] {
        (0..<count).map { Publication(Message(body: [UInt8($0)]), exchange: "", routingKey: "nowhere") }
    }

    private func expectAllCancelled(_ results: [Result<Void, any Error>], count: Int) {
        #expect(results.count == count)
        for result in results {
            #expect(throws: CancellationError.self) { try result.get() }
        }
    }

    @Test func aCancelledBatchFailsEveryMessage() async throws {
        let publisher = try idlePublisher()
        let waiting = Task { await publisher.publish(batch(5)) }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        expectAllCancelled(await waiting.value, count: 5)
    }

    @Test func aBatchFromACancelledTaskIsNotBooked() async throws {
        let publisher = try idlePublisher()
        let waiting = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await publisher.publish(batch(3))
        }
        expectAllCancelled(await waiting.value, count: 3)
    }

    @Test func aCancelledPublishThrows() async throws {
        let publisher = try idlePublisher()
        let waiting = Task { try await publisher.publish(Message(body: [1]), exchange: "", routingKey: "nowhere") }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }
}
