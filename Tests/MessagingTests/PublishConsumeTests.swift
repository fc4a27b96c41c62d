import Foundation
import Messaging
import Testing
import TestSupport

extension BrokerIntegrationTests {
    @Suite struct PublishConsumeTests {
        @Test func tenThousandConfirmedMessagesAreAllConsumedOnce() async throws {
            let configuration = try TestBroker.configuration()
            let name = TestBroker.uniqueName("bulk")
            let (topology, exchange, queue) = TestBroker.workTopology(name, routingKey: "bulk")
            let count = 10_000
            try await TestBroker.withTopology(topology, configuration: configuration) {
                let publisher = Publisher(
                    configuration: configuration, connectionName: "\(name) publisher", topology: topology,
                    logger: TestBroker.logger("test.publisher")
                )
                let consumer = Consumer(
                    configuration: configuration, connectionName: "\(name) consumer", queue: queue, topology: topology,
                    options: Consumer.Options(prefetch: 500), logger: TestBroker.logger("test.consumer")
                )
                try await TestBroker.withServices([publisher, consumer]) {
                    let started = ContinuousClock.now
                    try await within(.seconds(120), "publishing \(count) messages") {
                        try await withThrowingDiscardingTaskGroup { group in
                            for index in 0..<count {
                                group.addTask {
                                    let message = Message(body: Array("message \(index)".utf8), messageID: "\(index)")
                                    try await publisher.publish(message, exchange: exchange, routingKey: "bulk")
                                }
                            }
                        }
                    }
                    let published = ContinuousClock.now - started
                    print("published \(count) confirmed messages in \(published): \(Int(Double(count) / published.inSeconds)) msg/s")

                    let received = try await within(.seconds(120), "consuming \(count) messages") {
                        var seen: [String: Int] = [:]
                        for await delivery in consumer.deliveries {
                            seen[delivery.message.messageID ?? "", default: 0] += 1
                            await delivery.ack()
                            if seen.count == count { break }
                        }
                        return seen
                    }
                    // Anything arriving after the last new message would be a duplicate.
                    let late = try await within(.seconds(5), "waiting for stray duplicates") {
                        await firstDelivery(of: consumer, within: .milliseconds(500))
                    }
                    #expect(received.count == count)
                    #expect(received.values.allSatisfy { $0 == 1 })
                    #expect(Set(received.keys) == Set((0..<count).map(String.init)))
                    #expect(late == nil)
                }
            }
        }

        @Test func batchPublishReportsEachMessageAndKeepsTheirOrder() async throws {
            let configuration = try TestBroker.configuration()
            let name = TestBroker.uniqueName("batch")
            let (topology, exchange, queue) = TestBroker.workTopology(name, routingKey: "bulk")
            let count = 3_000
            let unroutable = Set(stride(from: 7, to: count, by: 100))
            try await TestBroker.withTopology(topology, configuration: configuration) {
                // A window smaller than the batch: the batch waits for room, in order.
                let publisher = Publisher(
                    configuration: configuration, connectionName: "\(name) publisher", topology: topology,
                    options: Publisher.Options(window: 256), logger: TestBroker.logger("test.publisher")
                )
                let consumer = Consumer(
                    configuration: configuration, connectionName: "\(name) consumer", queue: queue, topology: topology,
                    options: Consumer.Options(prefetch: 500), logger: TestBroker.logger("test.consumer")
                )
                try await TestBroker.withServices([publisher, consumer]) {
                    let publications = (0..<count).map { index in
                        Publication(
                            Message(body: Array("message \(index)".utf8), messageID: "\(index)"),
                            exchange: exchange, routingKey: unroutable.contains(index) ? "nobody.listens" : "bulk")
                    }
                    let results = try await within(.seconds(60), "publishing a batch of \(count)") {
                        await publisher.publish(publications)
                    }
                    #expect(results.count == count)
                    for (index, result) in results.enumerated() {
                        switch result {
                        case .success:
                            #expect(!unroutable.contains(index), "message \(index) has no queue but was confirmed")
                        case .failure(let error):
                            guard unroutable.contains(index), case .unroutable(_, _, _, let routingKey) = error as? AMQPError else {
                                Issue.record("message \(index) failed: \(error)")
                                continue
                            }
                            #expect(routingKey == "nobody.listens")
                        }
                    }

                    let expected = (0..<count).filter { !unroutable.contains($0) }.map(String.init)
                    let received = try await within(.seconds(60), "consuming \(expected.count) messages") {
                        var received: [String] = []
                        for await delivery in consumer.deliveries {
                            received.append(delivery.message.messageID ?? "")
                            await delivery.ack()
                            if received.count == expected.count { break }
                        }
                        return received
                    }
                    #expect(received == expected)
                    #expect(await publisher.publish([]).isEmpty)
                }
            }
        }

        @Test func unroutablePublishThrows() async throws {
            let configuration = try TestBroker.configuration()
            let name = TestBroker.uniqueName("unroutable")
            let exchange = "\(name).events"
            let topology = Topology(exchanges: [Topology.Exchange(name: exchange, kind: .topic)])
            try await TestBroker.withTopology(topology, configuration: configuration) {
                let publisher = Publisher(
                    configuration: configuration, connectionName: "\(name) publisher", topology: topology,
                    logger: TestBroker.logger("test.publisher")
                )
                try await TestBroker.withServices([publisher]) {
                    let error = await #expect(throws: AMQPError.self) {
                        try await publisher.publish(Message(body: [1, 2, 3]), exchange: exchange, routingKey: "nobody.listens")
                    }
                    guard case .unroutable(let code, _, let returnedExchange, let routingKey) = error else {
                        Issue.record("expected an unroutable error, got \(String(describing: error))")
                        return
                    }
                    #expect(code == 312)
                    #expect(returnedExchange == exchange)
                    #expect(routingKey == "nobody.listens")
                }
            }
        }
    }
}

/// The first delivery arriving within `limit`, acked, or nil.
func firstDelivery(of consumer: Consumer, within limit: Duration) async -> Delivery? {
    await withTaskGroup(of: Delivery?.self) { group in
        group.addTask {
            for await delivery in consumer.deliveries {
                await delivery.ack()
                return delivery
            }
            return nil
        }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

extension Duration {
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
