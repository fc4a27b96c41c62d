import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Messaging
import Metrics
import Orders
import Outbox
import Storage

/// Processes `order.created`: checks the order is still `PENDING`, reserves its stock
/// all-or-nothing, charges it with the payment provider and fulfils it. Every step is a
/// history row; the final status, the inbox row and the `order.processed`/`order.failed`
/// event commit in one transaction, so a redelivered event changes nothing.
///
/// The consumer hands it batches (what has arrived within `BATCH_WAIT`, up to `BATCH_SIZE`): a batch is processed
/// in one transaction with a handful of set-based statements (``FulfilmentPlan``), and each
/// message still gets its own outcome. A batch that fails as a whole is processed again one
/// message at a time, so one bad order cannot hold up the others.
struct OrderWorkflow: Sendable {
    let pool: PostgresPool
    let payments: MockPaymentProvider
    let failureInjection: Bool
    /// The `source` of the events it emits.
    let service: String
    /// Who processed an order, recorded in its history: the service and its replica.
    let actor: String
    /// How long the inbox remembers a handled event.
    let inboxRetention: Duration
    let logger: Logger
    /// Called after a transaction that wrote events has committed
    /// (``OutboxRelay/eventsCommitted()``).
    let eventsCommitted: @Sendable () -> Void

    /// What processing did to one event, for logs and tests.
    enum Result: Equatable, Sendable {
        case processed
        case failed(reason: String)
        case skipped(OrderStatus)
        case duplicate
        /// A technical failure: retried, and dead-lettered when retries do not help.
        case error(OrderProcessingError)

        /// The `result` of the "order handled" log line.
        var logValue: String {
            switch self {
            case .processed: "processed"
            case .failed(let reason): "failed: \(reason)"
            case .skipped(let status): "skipped: \(status.rawValue)"
            case .duplicate: "duplicate"
            case .error(let error): "error: \(error)"
            }
        }
    }

    /// Why an order ends `FAILED` (business failures, not technical ones): its `failureReason`.
    enum FailureReason: String, CaseIterable {
        case outOfStock = "out_of_stock"
        case paymentDeclined = "payment_declined"
    }

    /// `conveyor_orders_failed_total{reason}`: orders that ended `FAILED`, counted after commit.
    static func failures(reason: String) -> Counter {
        Counter(label: "conveyor_orders_failed_total", dimensions: [("reason", reason)])
    }

    /// The handler the consumer pipeline runs on each batch of deliveries.
    func handle(_ deliveries: [Delivery]) async -> [HandlerOutcome] {
        await deliveries.outcomes { delivery throws(MalformedMessage) in
            let event: OrderEvent
            do {
                event = try OrderEvent.decode(from: delivery.message.body)
            } catch {
                throw MalformedMessage("not an order event: \(error)")
            }
            guard event.eventType == .orderCreated else {
                throw MalformedMessage("order-processor handles order.created, not \(event.type)")
            }
            return (event: event, attempt: delivery.attempt)
        } handlingTogether: { decoded in
            await handle(decoded.map(\.event), attempts: decoded.map(\.attempt))
        }
    }

    private func handle(_ events: [OrderEvent], attempts: [Int]) async -> [HandlerOutcome] {
        guard !events.isEmpty else { return [] }
        do {
            let results = try await process(events)
            return events.indices.map { index in
                let (result, attempt, logger) = (results[index], attempts[index], logger(for: events[index]))
                if case .error(let error) = result {
                    logger.warning("order processing failed", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                    return .retry(reason: error.reason, detail: error.description)
                }
                if case .failed(let reason) = result {
                    Self.failures(reason: reason).increment()
                }
                logger.info("order handled", metadata: ["result": "\(result.logValue)", "attempt": "\(attempt)"])
                return result == .duplicate ? .duplicate : .done
            }
        } catch let error as PostgresError where error.isUnavailable || error.isConnectionFailure || error.kind == .acquireTimeout {
            logger.warning("database unavailable; holding the messages", metadata: ["error": "\(error)", "messages": "\(events.count)"])
            return events.map { _ in .dependencyUnavailable(detail: "\(error)") }
        } catch let error where events.count > 1 {
            logger.warning("batch failed; processing its orders one at a time", metadata: ["error": "\(error)", "messages": "\(events.count)"])
            var outcomes: [HandlerOutcome] = []
            for (event, attempt) in zip(events, attempts) {
                outcomes += await handle([event], attempts: [attempt])
            }
            return outcomes
        } catch {
            logger(for: events[0]).error("order processing failed", metadata: ["error": "\(error)", "attempt": "\(attempts[0])"])
            return [.retry(reason: "processing-error", detail: "\(error)")]
        }
    }

    private func logger(for event: OrderEvent) -> Logger {
        var logger = logger
        logger[metadataKey: "orderId"] = "\(event.data.orderId.lowercasedString)"
        logger[metadataKey: "eventId"] = "\(event.id.lowercasedString)"
        if let trace = event.traceparent.flatMap(TraceContext.init(traceparent:)) {
            logger[metadataKey: "traceId"] = "\(trace.traceID)"
        }
        return logger
    }

    /// Runs the workflow for `order.created` events in one transaction: one result per event.
    func process(_ events: [OrderEvent]) async throws -> [Result] {
        let (results, wroteEvents) = try await pool.withTransaction { transaction in
            var results = [Result?](repeating: nil, count: events.count)
            var seen = Set<UUID>()
            for (position, event) in events.enumerated() where !seen.insert(event.id).inserted {
                results[position] = .duplicate  // the same event twice in one batch
            }
            let orders = try await lockOrders(Set(events.map(\.data.orderId)), in: transaction)
            let skus = Set(orders.values.flatMap { $0.items.map(\.sku) })
            let stock = try await stock(of: skus, in: transaction, locking: false)

            // Technical failures first: they are retried, so they must leave no trace (no inbox row).
            var candidates: [Int] = []
            for (position, event) in events.enumerated() where results[position] == nil {
                guard let order = orders[event.data.orderId] else {
                    results[position] = .error(.unknownOrder(event.data.orderId.lowercasedString))
                    continue
                }
                if failureInjection && order.items.contains(where: { $0.sku == Sku.failureInjection }) {
                    results[position] = .error(.injectedFailure)
                } else if let unknown = order.items.first(where: { stock[$0.sku] == nil }) {
                    results[position] = .error(.unknownSku(unknown.sku))
                } else {
                    candidates.append(position)
                }
            }
            let recorded = try await recordInInbox(candidates.map { events[$0].id }, in: transaction)
            var fresh: [(position: Int, event: OrderEvent)] = []
            for position in candidates {
                if recorded.contains(events[position].id) {
                    fresh.append((position, events[position]))
                } else {
                    results[position] = .duplicate  // handled before
                }
            }

            if !fresh.isEmpty {
                // Popular skus make hot inventory rows, so they are locked only at the end, for the
                // last statement before the commit. The plan is made from an unlocked look; if the
                // stock is gone by the time the rows are locked, it is made again from the locked rows.
                try await transaction.execute("SAVEPOINT fulfilment")
                var plan = FulfilmentPlan(events: fresh, orders: orders, stock: stock, payments: payments, service: service)
                try await write(plan, in: transaction)
                if !plan.taken.isEmpty, !plan.fits(try await self.stock(of: Set(plan.taken.keys), in: transaction, locking: true)) {
                    try await transaction.execute("ROLLBACK TO SAVEPOINT fulfilment")
                    let locked = try await self.stock(of: skus, in: transaction, locking: true)
                    plan = FulfilmentPlan(events: fresh, orders: orders, stock: locked, payments: payments, service: service)
                    try await write(plan, in: transaction)
                }
                try await take(plan.taken, in: transaction)
                for (position, result) in plan.results {
                    results[position] = result
                }
            }
            return (results.map { $0! }, !fresh.isEmpty)
        }
        if wroteEvents { eventsCommitted() }
        return results
    }

    /// Locks the orders (in id order, as every replica does) and reads them with their lines.
    private func lockOrders(_ ids: Set<UUID>, in transaction: PostgresTransaction) async throws -> [UUID: PendingOrder] {
        let idArray = PostgresArray(Array(ids))
        let rows = try await transaction.query(
            """
            SELECT id, status, customer_id, total_minor, currency::text AS currency FROM orders
            WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE
            """,
            [idArray])
        var orders: [UUID: PendingOrder] = [:]
        for row in rows {
            let id = try row.decode(UUID.self, "id")
            guard let status = OrderStatus(rawValue: try row.decode(String.self, "status")),
                let currency = Currency(code: try row.decode(String.self, "currency"))
            else {
                throw OrderProcessingError.unknownOrder(id.lowercasedString)
            }
            orders[id] = PendingOrder(
                id: id, status: status, customerID: try row.decode(String.self, "customer_id"),
                total: Money(minorUnits: try row.decode(Int64.self, "total_minor"), currency: currency), items: [])
        }
        let lines = try await transaction.query(
            "SELECT order_id, sku, qty FROM order_items WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, sku", [idArray])
        for line in lines {
            let id = try line.decode(UUID.self, "order_id")
            orders[id]?.items.append(OrderLine(sku: try line.decode(String.self, "sku"), qty: try line.decode(Int.self, "qty")))
        }
        return orders
    }

    /// Records the events in the inbox; returns those not recorded before.
    private func recordInInbox(_ eventIDs: [UUID], in transaction: PostgresTransaction) async throws -> Set<UUID> {
        guard !eventIDs.isEmpty else { return [] }
        let rows = try await transaction.query(
            """
            INSERT INTO inbox (consumer, event_id, expires_at)
            SELECT $1, e, now() + make_interval(secs => $3) FROM unnest($2::uuid[]) AS e
            ON CONFLICT DO NOTHING RETURNING event_id
            """,
            [service, PostgresArray(eventIDs), inboxRetention.seconds])
        return Set(try rows.map { try $0.decode(UUID.self, "event_id") })
    }

    /// The available stock of `skus`, optionally locking the rows (in sku order).
    private func stock(of skus: Set<String>, in transaction: PostgresTransaction, locking: Bool) async throws -> [String: Int] {
        guard !skus.isEmpty else { return [:] }
        let rows = try await transaction.query(
            "SELECT sku, available FROM inventory WHERE sku = ANY($1::text[]) ORDER BY sku" + (locking ? " FOR UPDATE" : ""),
            [PostgresArray(skus.sorted())])
        var available: [String: Int] = [:]
        for row in rows {
            available[try row.decode(String.self, "sku")] = try row.decode(Int.self, "available")
        }
        return available
    }

    /// Writes everything the plan decided but the stock it takes.
    private func write(_ plan: FulfilmentPlan, in transaction: PostgresTransaction) async throws {
        if !plan.statusChanges.isEmpty {
            // PENDING → PROCESSING → the outcome: two changes of the order.
            try await transaction.execute(
                """
                UPDATE orders o SET status = c.status, failure_reason = c.reason, version = o.version + 2, updated_at = now()
                FROM unnest($1::uuid[], $2::text[], $3::text[]) AS c(id, status, reason) WHERE o.id = c.id
                """,
                [
                    PostgresArray(plan.statusChanges.map(\.orderID)), PostgresArray(plan.statusChanges.map(\.status.rawValue)),
                    PostgresArray(plan.statusChanges.map(\.reason)),
                ])
        }
        if !plan.history.isEmpty {
            try await transaction.execute(
                """
                INSERT INTO order_events (order_id, from_status, to_status, step, actor, detail)
                SELECT h.order_id, h.from_status, h.to_status, h.step, $5, h.detail::jsonb
                FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $6::text[]) AS h(order_id, from_status, to_status, step, detail)
                """,
                [
                    PostgresArray(plan.history.map(\.orderID)), PostgresArray(plan.history.map(\.from.rawValue)),
                    PostgresArray(plan.history.map(\.to.rawValue)), PostgresArray(plan.history.map(\.step)), actor,
                    PostgresArray(plan.history.map { JSONValue.object($0.detail).jsonText }),
                ])
        }
        if !plan.reservations.isEmpty {
            try await transaction.execute(
                """
                INSERT INTO reservations (order_id, sku, qty, status)
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::int4[], $4::text[])
                """,
                [
                    PostgresArray(plan.reservations.map(\.orderID)), PostgresArray(plan.reservations.map(\.sku)),
                    PostgresArray(plan.reservations.map { Int64($0.qty) }), PostgresArray(plan.reservations.map(\.status)),
                ])
        }
        if !plan.payments.isEmpty {
            try await transaction.execute(
                """
                INSERT INTO payments (order_id, status, amount_minor, currency, provider_reference, decline_reason)
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::text[])
                """,
                [
                    PostgresArray(plan.payments.map(\.orderID)), PostgresArray(plan.payments.map(\.status)),
                    PostgresArray(plan.payments.map(\.amount.minorUnits)), PostgresArray(plan.payments.map(\.amount.currency.code)),
                    PostgresArray(plan.payments.map(\.providerReference)), PostgresArray(plan.payments.map(\.declineReason)),
                ])
        }
        try await Outbox.enqueue(plan.events.map { OutboxEvent($0) }, in: transaction)
    }

    /// Takes the stock, its rows already locked (in sku order, so two replicas never deadlock).
    private func take(_ taken: [String: Int], in transaction: PostgresTransaction) async throws {
        guard !taken.isEmpty else { return }
        let skus = taken.keys.sorted()
        try await transaction.execute(
            """
            UPDATE inventory i SET available = i.available - t.qty
            FROM unnest($1::text[], $2::int8[]) AS t(sku, qty) WHERE i.sku = t.sku
            """,
            [PostgresArray(skus), PostgresArray(skus.map { Int64(taken[$0]!) })])
    }
}
