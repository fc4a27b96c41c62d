import Foundation
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

    /// What processing did, for logs and tests.
    enum Result: Equatable, Sendable {
        case processed
        case failed(reason: String)
        case skipped(OrderStatus)
        case duplicate
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

    /// The handler the consumer pipeline runs for each delivery.
    func handle(_ delivery: Delivery) async -> HandlerOutcome {
        let event: OrderEvent
        do {
            event = try OrderEvent.decode(from: delivery.message.body)
        } catch {
            return .malformed(detail: "not an order event: \(error)")
        }
        guard event.eventType == .orderCreated else {
            return .malformed(detail: "order-processor handles order.created, not \(event.type)")
        }
        var logger = logger
        logger[metadataKey: "orderId"] = "\(event.data.orderId.uuidString.lowercased())"
        logger[metadataKey: "eventId"] = "\(event.id.uuidString.lowercased())"
        if let trace = event.traceparent.flatMap(TraceContext.init(traceparent:)) {
            logger[metadataKey: "traceId"] = "\(trace.traceID)"
        }
        do {
            let result = try await process(event)
            logger.info("order handled", metadata: ["result": "\(result)", "attempt": "\(delivery.attempt)"])
            if case .failed(let reason) = result {
                Self.failures(reason: reason).increment()
            }
            return result == .duplicate ? .duplicate : .done
        } catch let error as OrderProcessingError {
            logger.warning("order processing failed", metadata: ["error": "\(error)", "attempt": "\(delivery.attempt)"])
            return .retry(reason: error.reason, detail: error.description)
        } catch let error as PostgresError where error.isUnavailable || error.isConnectionFailure || error.kind == .acquireTimeout {
            logger.warning("database unavailable; holding the message", metadata: ["error": "\(error)"])
            return .dependencyUnavailable(detail: "\(error)")
        } catch {
            logger.error("order processing failed", metadata: ["error": "\(error)", "attempt": "\(delivery.attempt)"])
            return .retry(reason: "processing-error", detail: "\(error)")
        }
    }

    /// Runs the workflow for one `order.created` event in one transaction.
    func process(_ event: OrderEvent) async throws -> Result {
        try await pool.withTransaction { transaction in
            let recorded = try await transaction.query(
                """
                INSERT INTO inbox (consumer, event_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
                ON CONFLICT DO NOTHING RETURNING event_id
                """,
                [service, event.id, inboxRetention.seconds])
            guard !recorded.isEmpty else { return .duplicate }

            let orderID = event.data.orderId
            let rows = try await transaction.query(
                "SELECT status, customer_id, total_minor, currency::text AS currency FROM orders WHERE id = $1 FOR UPDATE", [orderID])
            guard let row = rows.first, let status = OrderStatus(rawValue: try row.decode(String.self, "status")) else {
                throw OrderProcessingError.unknownOrder(orderID.uuidString.lowercased())
            }
            guard status == .pending else {
                try await record(orderID, from: status, to: status, step: "skipped", detail: ["reason": .string("order is \(status)")], in: transaction)
                return .skipped(status)
            }
            let items = try await transaction.query(
                "SELECT sku, qty FROM order_items WHERE order_id = $1 ORDER BY sku", [orderID]
            ).map { (sku: try $0.decode(String.self, "sku"), qty: try $0.decode(Int.self, "qty")) }
            if failureInjection && items.contains(where: { $0.sku == Sku.failureInjection }) {
                throw OrderProcessingError.injectedFailure
            }

            try await setStatus(orderID, to: .processing, reason: nil, in: transaction)
            try await record(orderID, from: .pending, to: .processing, step: "started", detail: [:], in: transaction)

            // Popular skus make hot inventory rows, so they are locked only for the last
            // statement before the commit. First a look without locking: an order that cannot
            // be filled fails here, holding nothing.
            let available = try await stock(of: items, in: transaction, locking: false)
            if let shortage = shortage(of: items, in: available) {
                return try await fail(event, reason: FailureReason.outOfStock.rawValue, detail: shortage, in: transaction)
            }

            // The rest of the workflow under a savepoint, undone if the stock is gone by the
            // time the rows are locked.
            try await transaction.execute("SAVEPOINT fulfilment")
            try await transaction.execute(
                """
                INSERT INTO reservations (order_id, sku, qty)
                SELECT $1, r.sku, r.qty FROM unnest($2::text[], $3::int8[]) AS r(sku, qty)
                """,
                [orderID, PostgresArray(items.map(\.sku)), PostgresArray(items.map { Int64($0.qty) })])
            try await record(
                orderID, from: .processing, to: .processing, step: "inventory_reserved",
                detail: ["items": .array(items.map { .string("\($0.sku) x\($0.qty)") })], in: transaction)

            guard let currency = Currency(code: try row.decode(String.self, "currency")) else {
                throw OrderProcessingError.unknownOrder(orderID.uuidString.lowercased())
            }
            let amount = Money(minorUnits: try row.decode(Int64.self, "total_minor"), currency: currency)
            switch payments.charge(orderID: orderID, customerID: try row.decode(String.self, "customer_id"), amount: amount) {
            case .declined(let reason):
                try await transaction.execute(
                    """
                    INSERT INTO payments (order_id, status, amount_minor, currency, decline_reason) VALUES ($1, 'declined', $2, $3, $4)
                    """,
                    [orderID, amount.minorUnits, currency.code, reason])
                // The stock was never taken: releasing the reservation is recording it.
                try await transaction.execute("UPDATE reservations SET status = 'released' WHERE order_id = $1", [orderID])
                try await record(orderID, from: .processing, to: .processing, step: "inventory_released", detail: [:], in: transaction)
                return try await fail(event, reason: FailureReason.paymentDeclined.rawValue, detail: reason, in: transaction)
            case .captured(let reference):
                try await transaction.execute(
                    """
                    INSERT INTO payments (order_id, status, amount_minor, currency, provider_reference) VALUES ($1, 'captured', $2, $3, $4)
                    """,
                    [orderID, amount.minorUnits, currency.code, reference])
                try await record(
                    orderID, from: .processing, to: .processing, step: "payment_captured",
                    detail: ["reference": .string(reference), "amountMinorUnits": .integer(amount.minorUnits)], in: transaction)
            }

            let shipment = "SHP-" + orderID.uuidString.prefix(8).uppercased()
            try await record(
                orderID, from: .processing, to: .processing, step: "fulfilled", detail: ["shipmentReference": .string(shipment)],
                in: transaction)
            try await setStatus(orderID, to: .processed, reason: nil, in: transaction)
            try await record(orderID, from: .processing, to: .processed, step: "processed", detail: [:], in: transaction)
            try await emit(.orderProcessed, for: event, status: .processed, reason: nil, in: transaction)

            // Take the stock: lock the rows in sku order (every replica locks in the same order,
            // so two never deadlock), check again, and take it all or fail the order.
            let locked = try await stock(of: items, in: transaction, locking: true)
            if let shortage = shortage(of: items, in: locked) {
                try await transaction.execute("ROLLBACK TO SAVEPOINT fulfilment")
                return try await fail(event, reason: FailureReason.outOfStock.rawValue, detail: shortage, in: transaction)
            }
            try await transaction.execute(
                """
                UPDATE inventory i SET available = i.available - r.qty
                FROM unnest($1::text[], $2::int8[]) AS r(sku, qty) WHERE i.sku = r.sku
                """,
                [PostgresArray(items.map(\.sku)), PostgresArray(items.map { Int64($0.qty) })])
            return .processed
        }
    }

    /// Ends the order `FAILED` for a business reason and emits `order.failed`.
    private func fail(_ event: OrderEvent, reason: String, detail: String, in transaction: PostgresTransaction) async throws -> Result {
        let orderID = event.data.orderId
        try await setStatus(orderID, to: .failed, reason: reason, in: transaction)
        try await record(
            orderID, from: .processing, to: .failed, step: reason, detail: ["detail": .string(detail)], in: transaction)
        try await emit(.orderFailed, for: event, status: .failed, reason: reason, in: transaction)
        return .failed(reason: reason)
    }

    /// The available stock of the order's skus, optionally locking the rows (in sku order).
    private func stock(
        of items: [(sku: String, qty: Int)], in transaction: PostgresTransaction, locking: Bool
    ) async throws -> [String: Int] {
        let rows = try await transaction.query(
            "SELECT sku, available FROM inventory WHERE sku = ANY($1::text[]) ORDER BY sku" + (locking ? " FOR UPDATE" : ""),
            [PostgresArray(items.map(\.sku))])
        var available: [String: Int] = [:]
        for row in rows {
            available[try row.decode(String.self, "sku")] = try row.decode(Int.self, "available")
        }
        for item in items where available[item.sku] == nil {
            throw OrderProcessingError.unknownSku(item.sku)
        }
        return available
    }

    /// What is missing, e.g. `SKU-OOS: 0 of 1`, or nil when every line can be filled.
    private func shortage(of items: [(sku: String, qty: Int)], in available: [String: Int]) -> String? {
        let short = items.filter { available[$0.sku, default: 0] < $0.qty }
        guard !short.isEmpty else { return nil }
        return short.map { "\($0.sku): \(available[$0.sku, default: 0]) of \($0.qty)" }.joined(separator: ", ")
    }

    private func setStatus(_ orderID: UUID, to status: OrderStatus, reason: String?, in transaction: PostgresTransaction) async throws {
        try await transaction.execute(
            "UPDATE orders SET status = $2, failure_reason = $3, version = version + 1, updated_at = now() WHERE id = $1",
            [orderID, status.rawValue, reason])
    }

    private func record(
        _ orderID: UUID, from: OrderStatus, to: OrderStatus, step: String, detail: [String: JSONValue], in transaction: PostgresTransaction
    ) async throws {
        try await transaction.execute(
            "INSERT INTO order_events (order_id, from_status, to_status, step, actor, detail) VALUES ($1, $2, $3, $4, $5, $6)",
            [orderID, from.rawValue, to.rawValue, step, actor, try PostgresJSON(encoding: JSONValue.object(detail))])
    }

    /// Writes the outcome event, carrying the order as it now is and the trace of the request.
    private func emit(_ type: EventType, for event: OrderEvent, status: OrderStatus, reason: String?, in transaction: PostgresTransaction) async throws {
        var data = event.data
        data.status = status
        data.reason = reason
        let outcome = OrderEvent(type: type, source: service, traceparent: event.traceparent, data: data)
        try await Outbox.enqueue(OutboxEvent(outcome), in: transaction)
    }
}
