import ConveyorRuntime
import Foundation
import Messaging
import MetricsTestKit
import Synchronization
import Testing
import TestSupport

extension BrokerIntegrationTests {
    @Suite struct ResilienceTests {
        func workTopology(_ name: String) -> (topology: Topology, exchange: String, queue: String) {
            TestBroker.workTopology(name, routingKey: "work")
        }

        @Test func aMessageHeldByAConsumerThatDiesIsRedelivered() async throws {
            let configuration = try TestBroker.configuration()
            let name = TestBroker.uniqueName("dies")
            let (topology, exchange, queue) = workTopology(name)
            try await TestBroker.withTopology(topology, configuration: configuration) {
                let publisher = Publisher(
                    configuration: configuration, connectionName: "\(name) publisher", topology: topology,
                    logger: TestBroker.logger("test.publisher")
                )
                try await TestBroker.withServices([publisher]) {
                    try await publisher.publish(Message(body: [42], messageID: "held"), exchange: exchange, routingKey: "work")
                }
                let doomed = Consumer(
                    configuration: configuration, connectionName: "\(name) doomed", queue: queue, topology: topology,
                    logger: TestBroker.logger("test.doomed")
                )
                let running = Task { try await doomed.run() }
                let first = try await within(.seconds(10), "first delivery") {
                    var iterator = doomed.deliveries.makeAsyncIterator()
                    return await iterator.next()
                }
                #expect(first?.message.messageID == "held")
                #expect(first?.redelivered == false)
                // The consumer dies holding the message: its connection goes away without an ack.
                running.cancel()
                _ = try? await within(.seconds(10), "doomed consumer stops") { try await running.value }
                #expect(await first?.ack() == false)

                let survivor = Consumer(
                    configuration: configuration, connectionName: "\(name) survivor", queue: queue, topology: topology,
                    logger: TestBroker.logger("test.survivor")
                )
                try await TestBroker.withServices([survivor]) {
                    let again = await firstDelivery(of: survivor, within: .seconds(10))
                    #expect(again?.message.messageID == "held")
                    #expect(again?.redelivered == true)
                }
            }
        }

        @Test func anIdlePublisherKeepsItsConnectionThroughHeartbeats() async throws {
            // Without heartbeats the broker would close the connection after two silent
            // intervals (10 s); the publisher idles for longer than that.
            let configuration = try TestBroker.configuration(heartbeat: .seconds(5))
            let name = TestBroker.uniqueName("heartbeat")
            let (topology, exchange, queue) = workTopology(name)
            let metrics = TestMetrics()
            try await TestBroker.withTopology(topology, configuration: configuration) {
                let publisher = Publisher(
                    configuration: configuration, connectionName: "\(name) publisher", topology: topology,
                    logger: TestBroker.logger("test.publisher"), metricsFactory: metrics
                )
                try await TestBroker.withServices([publisher]) {
                    try await publisher.publish(Message(body: [1], messageID: "before"), exchange: exchange, routingKey: "work")
                    try await Task.sleep(for: .seconds(16))
                    try await within(.seconds(5), "publish after idling") {
                        try await publisher.publish(Message(body: [2], messageID: "after"), exchange: exchange, routingKey: "work")
                    }
                    #expect(metrics.counterTotal(label: "conveyor_amqp_reconnects_total") == 0)
                    #expect(try metrics.expectGauge("conveyor_amqp_connected", [("role", "publisher"), ("queue", "")]).lastValue == 1)
                    #expect(metrics.counterTotal(label: "conveyor_amqp_confirmed_total") == 2)
                }
                _ = queue
            }
        }

        @Test func publisherAndConsumerRideOutABrokerOutage() async throws {
            let configuration = try TestBroker.configuration(heartbeat: .seconds(5))
            let name = TestBroker.uniqueName("restart")
            let (topology, exchange, queue) = workTopology(name)
            let metrics = TestMetrics()
            let fastBackoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1))
            try await TestBroker.withTopology(topology, configuration: configuration) {
                let publisher = Publisher(
                    configuration: configuration, connectionName: "\(name) publisher", topology: topology,
                    options: Publisher.Options(window: 100, publishTimeout: .seconds(60), reconnectBackoff: fastBackoff),
                    logger: TestBroker.logger("test.publisher"), metricsFactory: metrics
                )
                let consumer = Consumer(
                    configuration: configuration, connectionName: "\(name) consumer", queue: queue, topology: topology,
                    options: Consumer.Options(prefetch: 100, reconnectBackoff: fastBackoff),
                    logger: TestBroker.logger("test.consumer"), metricsFactory: metrics
                )
                let traffic = Traffic()
                try await TestBroker.withServices([publisher, consumer]) {
                    let receiving = Task {
                        for await delivery in consumer.deliveries {
                            if let id = delivery.message.messageID.flatMap(Int.init) {
                                traffic.received.withLock { $0[id, default: 0] += 1 }
                            }
                            await delivery.ack()
                        }
                    }
                    defer { receiving.cancel() }
                    let publishing = Task {
                        try await withThrowingDiscardingTaskGroup { group in
                            for lane in 0..<10 {
                                group.addTask {
                                    var index = lane
                                    while !traffic.stopPublishing.load(ordering: .relaxed) {
                                        do {
                                            try await publisher.publish(Message(body: [1], messageID: "\(index)"), exchange: exchange, routingKey: "work")
                                            _ = traffic.confirmed.withLock { $0.insert(index) }
                                        } catch {
                                            traffic.failed.withLock { $0 += 1 }
                                        }
                                        index += 10
                                        try await Task.sleep(for: .milliseconds(10))
                                    }
                                }
                            }
                        }
                    }
                    try await within(.seconds(20), "first confirms") {
                        while traffic.confirmed.withLock({ $0.count }) < 200 { try await Task.sleep(for: .milliseconds(20)) }
                    }
                    let restartStarted = ContinuousClock.now
                    try await within(.seconds(120), "restarting the broker") { try await TestBroker.stack("restart-broker") }
                    let restartTook = ContinuousClock.now - restartStarted
                    let confirmedAtRestart = traffic.confirmed.withLock { $0.count }
                    try await within(.seconds(60), "confirms after the restart") {
                        while traffic.confirmed.withLock({ $0.count }) < confirmedAtRestart + 200 { try await Task.sleep(for: .milliseconds(20)) }
                    }
                    traffic.stopPublishing.store(true, ordering: .relaxed)
                    try await within(.seconds(90), "publishing ends") { try await publishing.value }

                    let expected = traffic.confirmed.withLock { $0 }
                    try await within(.seconds(60), "every confirmed message arrives") {
                        while !expected.isSubset(of: traffic.received.withLock({ Set($0.keys) })) {
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    let missing = expected.subtracting(traffic.received.withLock { Set($0.keys) })
                    #expect(missing.isEmpty)
                    #expect(metrics.counterTotal(label: "conveyor_amqp_reconnects_total") >= 2)
                    print("restart took \(restartTook): \(expected.count) confirmed, \(traffic.failed.withLock { $0 }) failed publishes, "
                        + "\(traffic.received.withLock { $0.values.filter { $0 > 1 }.count }) delivered more than once")
                }
            }
        }
    }
}

/// What the restart test published and received.
final class Traffic: Sendable {
    let confirmed = Mutex<Set<Int>>([])
    let failed = Mutex<Int>(0)
    let received = Mutex<[Int: Int]>([:])
    let stopPublishing = Atomic<Bool>(false)
}
