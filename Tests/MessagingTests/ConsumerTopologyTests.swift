import Messaging
import Testing

@Suite struct ConsumerTopologyTests {
    let consumer = ConsumerTopology(consumer: "order-processor", routingKeys: ["order.created"])

    @Test func namesQueuesAfterTheConsumer() {
        #expect(consumer.workQueue == "order-processor.work")
        #expect(consumer.deadLetterQueue == "order-processor.dlq")
        #expect((0..<4).map(consumer.retryQueue(tier:)) == [
            "order-processor.retry.1s", "order-processor.retry.5s", "order-processor.retry.30s", "order-processor.retry.2m",
        ])
        #expect(ConsumerTopology.label(for: .milliseconds(200)) == "200ms")
        #expect(ConsumerTopology.label(for: .seconds(3600)) == "1h")
        #expect(ConsumerTopology.label(for: .milliseconds(1500)) == "1500ms")
    }

    @Test func declaresTheStandardTopology() throws {
        let topology = consumer.topology
        #expect(topology.exchanges == [
            Topology.Exchange(name: "conveyor.events", kind: .topic),
            Topology.Exchange(name: "conveyor.dlx", kind: .direct),
        ])
        let work = try #require(topology.queues.first { $0.name == "order-processor.work" })
        #expect(work.declarationArguments == [
            "x-queue-type": "quorum",
            "x-delivery-limit": 20,
            "x-dead-letter-exchange": "conveyor.dlx",
            "x-dead-letter-routing-key": "order-processor.dlq",
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        ])
        let retry = try #require(topology.queues.first { $0.name == "order-processor.retry.2m" })
        #expect(retry.declarationArguments == [
            "x-queue-type": "quorum",
            "x-message-ttl": 120_000,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": "order-processor.work",
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        ])
        let dlq = try #require(topology.queues.first { $0.name == "order-processor.dlq" })
        #expect(dlq.declarationArguments == ["x-queue-type": "quorum", "x-delivery-limit": .int(Int64(ConsumerTopology.deadLetterQueueDeliveryLimit))])
        #expect(topology.queues.count == 6)
        #expect(topology.queues.allSatisfy { $0.durable })
        #expect(topology.bindings == [
            Topology.Binding(queue: "order-processor.work", exchange: "conveyor.events", routingKey: "order.created"),
            Topology.Binding(queue: "order-processor.dlq", exchange: "conveyor.dlx", routingKey: "order-processor.dlq"),
        ])
    }

    @Test func mergingDoesNotRepeatDeclarations() {
        let notifier = ConsumerTopology(consumer: "notifier", routingKeys: ["order.processed", "order.failed"]).topology
        let merged = consumer.topology.merging(notifier)
        #expect(merged.exchanges.count == 2)
        #expect(merged.queues.count == 12)
        #expect(merged.bindings.count == 5)
    }
}
