import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Metrics
import ServiceLifecycle

/// Takes deliveries from a ``Consumer`` of a ``ConsumerTopology``'s work queue, runs the
/// handler on each with bounded concurrency and settles them by the outcome
/// (``RetryPolicy/plan(for:attempt:)``):
///
/// - `.done`: ack.
/// - `.retry`: publish a copy (attempt + 1, failure headers) to the retry tier for this attempt
///   through the default exchange, with confirms, then ack; after the last attempt, as `.giveUp`.
/// - `.giveUp`, `.malformed`: publish a copy with the failure headers to the dead-letter
///   exchange under the dead-letter queue's key, with confirms, then ack.
/// - `.dependencyUnavailable`: keep the delivery, count no attempt, run the handler on it again
///   after a backoff, and take no new deliveries meanwhile.
///
/// When a copy cannot be published the delivery is not acked: it goes back to its queue to be
/// delivered again (at least once). The counting lives in headers the application owns, never
/// in `basic.nack` counts or `x-death`, so it works the same on RabbitMQ 3.10 and 4.x.
///
/// A `Service`: on graceful shutdown it stops taking deliveries, lets running handlers finish
/// and settle, then returns. Run it after its ``Consumer`` and ``Publisher`` in the service
/// group, so they shut down after it.
public final class DeliveryProcessor: Service, Sendable {
    public typealias Handler = @Sendable (Delivery) async -> HandlerOutcome
    /// Decides the outcomes of several deliveries at once (e.g. in one database transaction):
    /// one outcome per delivery, in the same order. Each delivery is settled on its own.
    public typealias BatchHandler = @Sendable ([Delivery]) async -> [HandlerOutcome]

    public let topology: ConsumerTopology
    public let options: Options
    private let consumer: Consumer
    private let publisher: Publisher
    private let handler: BatchHandler
    private let logger: Logger
    private let metrics: ProcessorMetrics

    /// - Parameters:
    ///   - consumer: consumes `topology.workQueue`.
    ///   - publisher: publishes the retry and dead-letter copies.
    ///   - handler: decides the outcome of one delivery; it must not settle it.
    public convenience init(
        consumer: Consumer,
        publisher: Publisher,
        topology: ConsumerTopology,
        options: Options = Options(),
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        handler: @escaping Handler
    ) {
        var options = options
        options.batchSize = 1
        self.init(
            consumer: consumer, publisher: publisher, topology: topology, options: options, logger: logger,
            metricsFactory: metricsFactory, batchHandler: { deliveries in [await handler(deliveries[0])] })
    }

    /// - Parameters:
    ///   - consumer: consumes `topology.workQueue`.
    ///   - publisher: publishes the retry and dead-letter copies.
    ///   - options: ``Options/batchSize`` bounds the batches.
    ///   - batchHandler: decides the outcomes of 1 to ``Options/batchSize`` deliveries; it must
    ///     not settle them.
    public init(
        consumer: Consumer,
        publisher: Publisher,
        topology: ConsumerTopology,
        options: Options = Options(),
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        batchHandler: @escaping BatchHandler
    ) {
        self.consumer = consumer
        self.publisher = publisher
        self.topology = topology
        self.options = options
        self.handler = batchHandler
        var logger = logger
        logger[metadataKey: "queue"] = "\(consumer.queue)"
        self.logger = logger
        metrics = ProcessorMetrics(
            queue: consumer.queue, tiers: topology.retryPolicy.delays.indices.map(topology.retryTierLabel), factory: metricsFactory)
    }

    public func run() async throws {
        let gate = IntakeGate()
        await withTaskCancellationOrGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                await self.takeDeliveries(into: &group, gate: gate)
            }
        } onCancelOrGracefulShutdown: {
            gate.stop()
        }
        logger.info("Delivery processor stopped")
    }

    private func takeDeliveries(into group: inout DiscardingTaskGroup, gate: IntakeGate) async {
        let slots = IntakeSlots(count: options.concurrency)
        while true {
            await slots.acquire()
            await gate.waitUntilOpen()
            guard !gate.isStopped, let first = await nextDelivery(unlessStopped: gate) else {
                return
            }
            // Whatever else has arrived joins it, up to the batch size, and what arrives within
            // the batch wait if that leaves room.
            var batch = [first] + consumer.availableDeliveries(upTo: options.batchSize - 1)
            if batch.count < options.batchSize && options.batchWait > .zero {
                try? await Task.sleep(for: options.batchWait)
                batch += consumer.availableDeliveries(upTo: options.batchSize - batch.count)
            }
            // A handler may have started waiting for a dependency while this loop waited for the
            // delivery: hold it unprocessed until the dependency is back.
            await gate.waitUntilOpen()
            if gate.isStopped {
                for delivery in batch {
                    await delivery.reject(requeue: true)
                }
                return
            }
            group.addTask {
                await self.process(batch, gate: gate)
                slots.release()
            }
        }
    }

    /// The next delivery, or nil when the consumer ended or the gate stopped. A delivery taken
    /// just as the gate stops stays unacknowledged and returns to its queue when the consumer closes.
    private func nextDelivery(unlessStopped gate: IntakeGate) async -> Delivery? {
        let deliveries = consumer.deliveries
        return await withTaskGroup(of: Delivery?.self) { group in
            group.addTask {
                var iterator = deliveries.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                await gate.waitUntilStopped()
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return gate.isStopped ? nil : first
        }
    }

    private func process(_ batch: [Delivery], gate: IntakeGate) async {
        var backoff = options.dependencyBackoff
        var pausedIntake = false
        defer {
            if pausedIntake { gate.resume() }
        }
        // Lag of first deliveries only: a retried or replayed copy keeps its original
        // timestamp, and its deliberate wait is not lag.
        let now = Date()
        for delivery in batch where delivery.attempt == 1 && delivery.message.headers[ConveyorHeader.replayCount] == nil {
            if let timestamp = delivery.message.timestamp {
                metrics.lag.recordSeconds(max(0, now.timeIntervalSince(timestamp)))
            }
        }
        var pending = batch
        while true {
            let started = ContinuousClock.now
            let outcomes = await handler(pending)
            let handling = ContinuousClock.now - started
            precondition(outcomes.count == pending.count, "a batch handler returns one outcome per delivery")
            // Each delivery of a batch took as long as the batch.
            for _ in pending { metrics.handling.record(duration: handling) }

            var waiting: [Delivery] = []
            var lastDetail = ""
            var republishing: [(Delivery, HandlerOutcome)] = []
            for (delivery, outcome) in zip(pending, outcomes) {
                switch outcome {
                case .dependencyUnavailable(let detail):
                    waiting.append(delivery)
                    lastDetail = detail
                case .done, .duplicate:
                    await settle(delivery, as: outcome)  // an ack only queues
                case .retry, .giveUp, .malformed:
                    republishing.append((delivery, outcome))
                }
            }
            if !republishing.isEmpty {
                // Retry and dead-letter copies wait for their confirms, together.
                await withDiscardingTaskGroup { group in
                    for (delivery, outcome) in republishing {
                        group.addTask { await self.settle(delivery, as: outcome) }
                    }
                }
            }
            guard !waiting.isEmpty else {
                if pausedIntake {
                    gate.resume()
                    pausedIntake = false
                    logger.info("Dependency available again; taking deliveries", metadata: metadata(of: batch[0]))
                }
                return
            }
            for _ in waiting { metrics.dependencyUnavailable.increment() }
            if !pausedIntake {
                gate.pause()
                pausedIntake = true
            }
            let delay = backoff.next()
            var metadata = metadata(of: waiting[0])
            metadata["detail"] = "\(lastDetail)"
            metadata["retry_in"] = "\(delay)"
            metadata["held"] = "\(waiting.count)"
            logger.warning("Dependency unavailable; holding the delivery and pausing intake", metadata: metadata)
            await gate.sleep(for: delay)
            if gate.isStopped {
                logger.info("Shutting down while a dependency is unavailable; the delivery returns to its queue", metadata: metadata)
                for delivery in waiting {
                    await delivery.reject(requeue: true)
                }
                return
            }
            pending = waiting
        }
    }

    /// Settles a delivery whose outcome is not a dependency being unavailable.
    private func settle(_ delivery: Delivery, as outcome: HandlerOutcome) async {
        if outcome == .duplicate {
            metrics.duplicate.increment()
            await delivery.ack()
            return
        }
        await carryOut(topology.retryPolicy.plan(for: outcome, attempt: delivery.attempt), for: delivery)
    }

    private func carryOut(_ plan: SettlementPlan, for delivery: Delivery) async {
        var metadata = metadata(of: delivery)
        switch plan {
        case .acknowledge:
            metrics.done.increment()
            await delivery.ack()
        case .retry(let tier, let nextAttempt, let reason, let detail):
            let queue = topology.retryQueue(tier: tier)
            metadata["reason"] = "\(reason)"
            metadata["detail"] = "\(detail)"
            metadata["retry_queue"] = "\(queue)"
            let copy = delivery.failureCopy(attempt: nextAttempt, reason: reason, detail: detail)
            if await republish(copy, of: delivery, exchange: "", routingKey: queue, metadata: metadata) {
                metrics.retried(tier: topology.retryTierLabel(tier))
                logger.warning("Message failed; retrying later", metadata: metadata)
            }
        case .deadLetter(let reason, let detail):
            metadata["reason"] = "\(reason)"
            metadata["detail"] = "\(detail)"
            let copy = delivery.failureCopy(attempt: delivery.attempt, reason: reason, detail: detail)
            if await republish(
                copy, of: delivery, exchange: topology.deadLetterExchange, routingKey: topology.deadLetterQueue,
                metadata: metadata
            ) {
                metrics.deadLettered(reason: reason)
                logger.error("Message dead-lettered", metadata: metadata)
            }
        case .awaitDependency:
            preconditionFailure("handled by the caller")
        }
    }

    /// Publishes `copy` with confirms, then acks `delivery`. When the publish fails the delivery
    /// returns to its queue instead. Returns whether the copy was published.
    private func republish(
        _ copy: Message, of delivery: Delivery, exchange: String, routingKey: String, metadata: Logger.Metadata
    ) async -> Bool {
        do {
            try await publisher.publish(copy, exchange: exchange, routingKey: routingKey)
        } catch {
            var metadata = metadata
            metadata["error"] = "\(error)"
            logger.error("Could not republish a failed message; it returns to its queue", metadata: metadata)
            try? await Task.sleep(for: options.republishFailurePause)
            await delivery.reject(requeue: true)
            return false
        }
        await delivery.ack()
        return true
    }

    private func metadata(of delivery: Delivery) -> Logger.Metadata {
        [
            "message_id": "\(delivery.message.messageID ?? "")",
            "routing_key": "\(delivery.eventRoutingKey)",
            "attempt": "\(delivery.attempt)",
            "redelivered": "\(delivery.redelivered)",
        ]
    }
}
