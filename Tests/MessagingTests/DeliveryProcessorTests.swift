import ConveyorRuntime
import Foundation
import Messaging
import Synchronization
import Testing
import TestSupport

/// What a handler saw, in order.
final class HandlerLog: Sendable {
    struct Call: Sendable {
        let messageID: String
        let attempt: Int
        let eventRoutingKey: String
        let redelivered: Bool
        let at: ContinuousClock.Instant
    }

    private let calls = Mutex<[Call]>([])

    func record(_ delivery: Delivery) -> Int {
        calls.withLock { calls in
            calls.append(
                Call(
                    messageID: delivery.message.messageID ?? "", attempt: delivery.attempt,
                    eventRoutingKey: delivery.eventRoutingKey, redelivered: delivery.redelivered, at: .now
                )
            )
            return calls.filter { $0.messageID == delivery.message.messageID }.count
        }
    }

    func calls(of messageID: String) -> [Call] {
        calls.withLock { $0.filter { $0.messageID == messageID } }
    }
}

extension BrokerIntegrationTests {
    @Suite struct DeliveryProcessorTests {
        func consumerTopology(_ name: String, maxAttempts: Int = 3) -> ConsumerTopology {
            ConsumerTopology(
                consumer: name,
                routingKeys: ["order.created"],
                retryPolicy: RetryPolicy(delays: [.milliseconds(200), .milliseconds(500)], maxAttempts: maxAttempts),
                eventsExchange: "\(name).events",
                deadLetterExchange: "\(name).dlx"
            )
        }

        /// A publisher, a consumer of the work queue and one of the dead-letter queue.
        func endpoints(
            _ name: String, _ queues: ConsumerTopology, _ configuration: AMQPConfiguration
        ) -> (publisher: Publisher, consumer: Consumer, deadLetters: Consumer) {
            let publisher = Publisher(
                configuration: configuration, connectionName: "\(name) publisher", topology: queues.topology,
                logger: TestBroker.logger("test.publisher"))
            let consumer = Consumer(
                configuration: configuration, connectionName: "\(name) consumer", queue: queues.workQueue,
                topology: queues.topology, logger: TestBroker.logger("test.consumer"))
            let deadLetters = Consumer(
                configuration: configuration, connectionName: "\(name) dlq", queue: queues.deadLetterQueue,
                topology: queues.topology, logger: TestBroker.logger("test.dlq"))
            return (publisher, consumer, deadLetters)
        }

        @Test func failedMessagesWaitInTheirTierThenLandInTheDeadLetterQueue() async throws {
            let configuration = try TestBroker.configuration()
            let name = TestBroker.uniqueName("retry")
            let queues = consumerTopology(name)
            let log = HandlerLog()
            try await TestBroker.withTopology(queues.topology, configuration: configuration) {
                let (publisher, consumer, deadLetters) = endpoints(name, queues, configuration)
                let processor = DeliveryProcessor(
                    consumer: consumer, publisher: publisher, topology: queues, logger: TestBroker.logger("test.processor")
                ) { delivery in
                    _ = log.record(delivery)
                    if delivery.message.messageID == "malformed" {
                        return .malformed(detail: "not JSON")
                    }
                    return .retry(reason: "flaky", detail: "attempt \(delivery.attempt) failed")
                }
                try await TestBroker.withServices([publisher, consumer, deadLetters, processor]) {
                    for id in ["flaky", "malformed"] {
                        let message = Message(
                            body: Array("{\"id\":\"\(id)\"}".utf8), messageID: id, type: "order.created",
                            contentType: "application/json", headers: ["traceparent": .string("00-trace-\(id)-01"), ConveyorHeader.replayCount: 1]
                        )
                        try await publisher.publish(message, exchange: queues.eventsExchange, routingKey: "order.created")
                    }
                    let parked = try await within(.seconds(20), "two dead letters") {
                        var parked: [String: Delivery] = [:]
                        for await delivery in deadLetters.deliveries {
                            parked[delivery.message.messageID ?? ""] = delivery
                            await delivery.ack()
                            if parked.count == 2 { break }
                        }
                        return parked
                    }

                    let flaky = log.calls(of: "flaky")
                    #expect(flaky.map(\.attempt) == [1, 2, 3])
                    #expect(flaky.allSatisfy { $0.eventRoutingKey == "order.created" })
                    if flaky.count == 3 {
                        #expect(flaky[1].at - flaky[0].at >= .milliseconds(200))
                        #expect(flaky[2].at - flaky[1].at >= .milliseconds(500))
                    }
                    let flakyCopy = try #require(parked["flaky"])
                    #expect(flakyCopy.message.headers[ConveyorHeader.attempt] == 3)
                    #expect(flakyCopy.message.headers[ConveyorHeader.failureReason] == "flaky")
                    #expect(flakyCopy.message.headers[ConveyorHeader.failureDetail] == "attempt 3 failed")
                    #expect(flakyCopy.message.headers[ConveyorHeader.originQueue]?.stringValue == queues.workQueue)
                    #expect(flakyCopy.message.headers[ConveyorHeader.originRoutingKey] == "order.created")
                    #expect(flakyCopy.message.headers[ConveyorHeader.failedAt]?.stringValue != nil)
                    #expect(flakyCopy.message.headers[ConveyorHeader.replayCount] == 1)
                    #expect(flakyCopy.message.traceparent == "00-trace-flaky-01")
                    #expect(flakyCopy.message.type == "order.created")
                    #expect(flakyCopy.message.contentType == "application/json")
                    #expect(flakyCopy.message.body == Array("{\"id\":\"flaky\"}".utf8))

                    #expect(log.calls(of: "malformed").count == 1)
                    let malformedCopy = try #require(parked["malformed"])
                    #expect(malformedCopy.message.headers[ConveyorHeader.failureReason] == "malformed")
                    #expect(malformedCopy.message.headers[ConveyorHeader.attempt] == 1)
                    #expect(malformedCopy.message.headers[ConveyorHeader.failureDetail] == "not JSON")
                }
            }
        }

        @Test func batchesSettleEachDeliveryByItsOwnOutcome() async throws {
            let configuration = try TestBroker.configuration()
            let name = TestBroker.uniqueName("batch")
            let queues = consumerTopology(name)
            let log = HandlerLog()
            let batchSizes = Mutex<[Int]>([])
            let heldOnce = Mutex<Set<String>>([])
            // Given up on: handled once; held once for its dependency: twice.
            let expectedCalls: @Sendable (Int) -> Int = { $0 % 3 == 0 && $0 % 5 != 0 ? 2 : 1 }
            try await TestBroker.withTopology(queues.topology, configuration: configuration) {
                let (publisher, consumer, deadLetters) = endpoints(name, queues, configuration)
                let processor = DeliveryProcessor(
                    consumer: consumer, publisher: publisher, topology: queues,
                    options: .init(concurrency: 2, batchSize: 8, dependencyBackoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(100))),
                    logger: TestBroker.logger("test.processor"),
                    batchHandler: { deliveries in
                    batchSizes.withLock { $0.append(deliveries.count) }
                    return deliveries.map { delivery in
                        let id = delivery.message.messageID ?? ""
                        _ = log.record(delivery)
                        let number = Int(id.dropFirst(2)) ?? 0
                        if number % 5 == 0 { return .giveUp(reason: "bad", detail: "\(id) cannot be handled") }
                        // Every third message finds its dependency down once: only it is handed back.
                        if number % 3 == 0, heldOnce.withLock({ $0.insert(id).inserted }) {
                            return .dependencyUnavailable(detail: "down for \(id)")
                        }
                        return .done
                    }
                })
                try await TestBroker.withServices([publisher, consumer, deadLetters]) {
                    // Published before the processor starts, so batches find several waiting.
                    for number in 1...40 {
                        let message = Message(body: Array("\(number)".utf8), messageID: "m-\(number)", type: "order.created")
                        try await publisher.publish(message, exchange: queues.eventsExchange, routingKey: "order.created")
                    }
                    try await TestBroker.withServices([processor]) {
                        let parked = try await within(.seconds(20), "eight dead letters") {
                            var parked: Set<String> = []
                            for await delivery in deadLetters.deliveries {
                                parked.insert(delivery.message.messageID ?? "")
                                await delivery.ack()
                                if parked.count == 8 { break }
                            }
                            return parked
                        }
                        #expect(parked == Set(stride(from: 5, through: 40, by: 5).map { "m-\($0)" }))
                        try await within(.seconds(10), "every message handled, the held ones again") {
                            while (1...40).contains(where: { log.calls(of: "m-\($0)").count < expectedCalls($0) }) {
                                try await Task.sleep(for: .milliseconds(20))
                            }
                        }
                    }
                }
                for number in 1...40 {
                    let calls = log.calls(of: "m-\(number)")
                    #expect(calls.count == expectedCalls(number), "m-\(number) handled \(calls.count) times")
                    #expect(calls.allSatisfy { $0.attempt == 1 })
                }
                let sizes = batchSizes.withLock { $0 }
                #expect(sizes.allSatisfy { (1...8).contains($0) })
                let heldCount = (1...40).filter { $0 % 3 == 0 && $0 % 5 != 0 }.count
                let handledTotal: Int = sizes.reduce(0, +)
                #expect(handledTotal == 40 + heldCount)
            }
        }

        @Test func aBatchThatIsNotFullWaitsForDeliveriesArrivingWithinTheBatchWait() async throws {
            let configuration = try TestBroker.configuration()
            let name = TestBroker.uniqueName("batchwait")
            let queues = consumerTopology(name)
            let batches = Mutex<[[String]]>([])
            try await TestBroker.withTopology(queues.topology, configuration: configuration) {
                let (publisher, consumer, deadLetters) = endpoints(name, queues, configuration)
                let processor = DeliveryProcessor(
                    consumer: consumer, publisher: publisher, topology: queues,
                    options: .init(concurrency: 2, batchSize: 8, batchWait: .seconds(5)),
                    logger: TestBroker.logger("test.processor"),
                    batchHandler: { deliveries in
                        batches.withLock { $0.append(deliveries.map { $0.message.messageID ?? "" }) }
                        return deliveries.map { _ in .done }
                    })
                try await TestBroker.withServices([publisher, consumer, deadLetters, processor]) {
                    let publish: @Sendable (String) async throws -> Void = { id in
                        try await publisher.publish(
                            Message(body: Array(id.utf8), messageID: id, type: "order.created"),
                            exchange: queues.eventsExchange, routingKey: "order.created")
                    }
                    // One message, then two more well within the batch wait: one batch of three.
                    try await publish("w-1")
                    try await Task.sleep(for: .milliseconds(300))
                    try await publish("w-2")
                    try await publish("w-3")
                    try await within(.seconds(10), "the batch handled") {
                        while batches.withLock({ $0.flatMap { $0 }.count }) < 3 {
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    }
                }
                #expect(batches.withLock { $0 } == [["w-1", "w-2", "w-3"]])
            }
        }

        @Test func anUnavailableDependencyHoldsTheDeliveryAndPausesIntake() async throws {
            let configuration = try TestBroker.configuration()
            let name = TestBroker.uniqueName("dependency")
            let queues = consumerTopology(name)
            let log = HandlerLog()
            try await TestBroker.withTopology(queues.topology, configuration: configuration) {
                let (publisher, consumer, deadLetters) = endpoints(name, queues, configuration)
                let processor = DeliveryProcessor(
                    consumer: consumer, publisher: publisher, topology: queues,
                    options: DeliveryProcessor.Options(
                        concurrency: 4, dependencyBackoff: .init(initial: .milliseconds(100), maximum: .milliseconds(200))
                    ),
                    logger: TestBroker.logger("test.processor")
                ) { delivery in
                    let calls = log.record(delivery)
                    if delivery.message.messageID == "held" && calls <= 3 {
                        return .dependencyUnavailable(detail: "database down")
                    }
                    return .done
                }
                try await TestBroker.withServices([publisher, consumer, deadLetters, processor]) {
                    try await publisher.publish(Message(body: [1], messageID: "held"), exchange: queues.eventsExchange, routingKey: "order.created")
                    // The second call means the first outcome was applied: intake is paused.
                    try await within(.seconds(10), "the first failure") {
                        while log.calls(of: "held").count < 2 { try await Task.sleep(for: .milliseconds(10)) }
                    }
                    try await publisher.publish(Message(body: [2], messageID: "later"), exchange: queues.eventsExchange, routingKey: "order.created")
                    try await within(.seconds(10), "both handled") {
                        while log.calls(of: "later").isEmpty || log.calls(of: "held").count < 4 {
                            try await Task.sleep(for: .milliseconds(10))
                        }
                    }
                    let held = log.calls(of: "held")
                    let later = log.calls(of: "later")
                    #expect(held.map(\.attempt) == [1, 1, 1, 1])
                    #expect(held.allSatisfy { !$0.redelivered })
                    #expect(later.count == 1)
                    if let success = held.last, let next = later.first {
                        #expect(next.at >= success.at)
                    }
                    // Nothing was dead-lettered.
                    #expect(await firstDelivery(of: deadLetters, within: .milliseconds(500)) == nil)
                }
            }
        }

        @Test func gracefulShutdownFinishesAndSettlesRunningHandlers() async throws {
            let configuration = try TestBroker.configuration()
            let name = TestBroker.uniqueName("shutdown")
            let queues = consumerTopology(name)
            let log = HandlerLog()
            try await TestBroker.withTopology(queues.topology, configuration: configuration) {
                let (publisher, consumer, _) = endpoints(name, queues, configuration)
                let processor = DeliveryProcessor(
                    consumer: consumer, publisher: publisher, topology: queues, logger: TestBroker.logger("test.processor")
                ) { delivery in
                    _ = log.record(delivery)
                    try? await Task.sleep(for: .milliseconds(800))
                    return .done
                }
                try await TestBroker.withServices([publisher, consumer, processor]) {
                    try await publisher.publish(Message(body: [1], messageID: "slow"), exchange: queues.eventsExchange, routingKey: "order.created")
                    try await within(.seconds(10), "the handler started") {
                        while log.calls(of: "slow").isEmpty { try await Task.sleep(for: .milliseconds(10)) }
                    }
                }
                // The services have shut down while the handler ran; its ack must have gone out.
                let check = Consumer(
                    configuration: configuration, connectionName: "\(name) check", queue: queues.workQueue,
                    topology: queues.topology, logger: TestBroker.logger("test.check")
                )
                try await TestBroker.withServices([check]) {
                    #expect(await firstDelivery(of: check, within: .seconds(1)) == nil)
                }
                #expect(log.calls(of: "slow").count == 1)
            }
        }
    }
}
