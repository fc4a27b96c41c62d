import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Orders
import Outbox
import Storage

/// api-gateway's reads and writes of orders. Every change commits together with its history
/// row and its outbox event.
struct OrderStore: Sendable {
    let pool: PostgresPool
    /// The service named as `actor` in the history and `source` of events.
    let service: String
    /// How long a stored `Idempotency-Key` answer is replayed.
    let idempotencyRetention: Duration
    /// Called after a transaction that wrote events has committed
    /// (``OutboxRelay/eventsCommitted()``).
    let eventsCommitted: @Sendable () -> Void
    private let writer: OrderWriter
    /// New orders of concurrent requests, written together.
    private let batcher: Batcher<OrderWriter.NewOrder, Creation>

    /// - Parameters:
    ///   - batchSize: the most orders of concurrent requests written in one statement.
    init(
        pool: PostgresPool, service: String, idempotencyRetention: Duration, eventsCommitted: @escaping @Sendable () -> Void,
        batchSize: Int = 64
    ) {
        self.pool = pool
        self.service = service
        self.idempotencyRetention = idempotencyRetention
        self.eventsCommitted = eventsCommitted
        let writer = OrderWriter(pool: pool, service: service, eventsCommitted: eventsCommitted)
        self.writer = writer
        // Two batches at once: one is being written while the next one gathers.
        batcher = Batcher(maxBatchSize: batchSize, concurrentBatches: 2) { orders in await writer.write(orders) }
    }

    enum Creation: Sendable {
        case created(CreatedOrder)
        /// The same request was made before: its answer, unchanged.
        case replayed(CreatedOrder)
    }

    // MARK: Create

    /// Creates the order (`PENDING`), its first history row and its `order.created` event
    /// atomically: one statement (shared with concurrent requests), or one transaction with an
    /// idempotency key. With an idempotency key or a client-chosen order id, a repeat of the
    /// same request returns the first answer; a different request is a ``Problem`` (409/422).
    func create(_ request: CreateOrderRequest, idempotencyKey: String?, traceparent: String?) async throws -> Creation {
        if idempotencyKey == nil {
            // Written with the orders of other requests arriving meanwhile: one read of the
            // catalog and one statement, atomic on its own, for all of them.
            return try await batcher.submit(OrderWriter.NewOrder(request: request, traceparent: traceparent))
        }
        let fingerprint = try request.fingerprint()
        do {
            return try await createOnce(request, fingerprint: fingerprint, idempotencyKey: idempotencyKey, traceparent: traceparent)
        } catch let error as PostgresError where error.isUniqueViolation {
            // A concurrent request created the same order id or claimed the same key first:
            // now that it committed, this one is a replay (or a conflict).
            return try await createOnce(request, fingerprint: fingerprint, idempotencyKey: idempotencyKey, traceparent: traceparent)
        }
    }

    private func createOnce(
        _ request: CreateOrderRequest, fingerprint: String, idempotencyKey: String?, traceparent: String?
    ) async throws -> Creation {
        let creation = try await pool.withTransaction { transaction -> Creation in
            if let idempotencyKey {
                if let replay = try await claim(idempotencyKey, fingerprint: fingerprint, in: transaction) {
                    return .replayed(replay)
                }
            }
            let creation = try await writer.writeOne(
                OrderWriter.NewOrder(request: request, traceparent: traceparent), in: transaction)
            if let idempotencyKey {
                let answer = switch creation {
                case .created(let answer), .replayed(let answer): answer
                }
                try await transaction.execute(
                    "UPDATE idempotency_keys SET response_status = 201, response_body = $2 WHERE key = $1",
                    [idempotencyKey, try PostgresJSON(encoding: answer, encoder: Timestamp.jsonEncoder())])
            }
            return creation
        }
        if case .created = creation { eventsCommitted() }
        return creation
    }

    /// Claims an idempotency key for this request. Returns the stored answer when the key was
    /// used before with the same request; throws when it was used with another one.
    private func claim(_ key: String, fingerprint: String, in transaction: PostgresTransaction) async throws -> CreatedOrder? {
        // Waits for a concurrent request holding the same key to commit or roll back.
        let claimed = try await transaction.query(
            """
            INSERT INTO idempotency_keys (key, request_hash, expires_at)
            VALUES ($1, md5($2), now() + make_interval(secs => $3))
            ON CONFLICT (key) DO UPDATE
                SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL,
                    created_at = now(), expires_at = EXCLUDED.expires_at
                WHERE idempotency_keys.expires_at < now()
            RETURNING key
            """,
            [key, fingerprint, idempotencyRetention.seconds])
        if !claimed.isEmpty { return nil }
        let rows = try await transaction.query(
            "SELECT request_hash = md5($2) AS same_request, response_body::text AS body FROM idempotency_keys WHERE key = $1",
            [key, fingerprint])
        guard let row = rows.first else { return nil }
        guard try row.decode(Bool.self, "same_request") else {
            throw Problem(
                .unprocessableContent, type: "urn:conveyor:problem:idempotency-key-reused",
                title: "Idempotency-Key already used for another request",
                detail: "the key \(key) was used with a different body; use a new key for a new order")
        }
        guard let body = try row.decode(String?.self, "body") else {
            throw Problem(.conflict, detail: "a request with this Idempotency-Key is still in progress")
        }
        return try Timestamp.jsonDecoder().decode(CreatedOrder.self, from: Data(body.utf8))
    }

    // MARK: Read

    struct StoredOrder: Sendable {
        var order: Order
        var version: Int
        var creationEventID: UUID?
    }

    static func loadOrder(_ id: UUID, in database: some PostgresQuerying, forUpdate: Bool = false) async throws -> StoredOrder? {
        let rows = try await database.query(
            """
            SELECT o.id, o.customer_id, o.customer_name, o.customer_email, o.currency::text AS currency, o.total_minor, o.status,
                   o.failure_reason, o.version, o.created_at, o.updated_at,
                   (SELECT (e.detail->>'eventId')::uuid FROM order_events e
                     WHERE e.order_id = o.id AND e.step = 'created' ORDER BY e.id LIMIT 1) AS creation_event_id
            FROM orders o WHERE o.id = $1
            """ + (forUpdate ? " FOR UPDATE OF o" : ""),
            [id])
        guard let row = rows.first else { return nil }
        guard let currency = Currency(code: try row.decode(String.self, "currency")),
            let status = OrderStatus(rawValue: try row.decode(String.self, "status"))
        else {
            throw StoredOrderError(orderID: id)
        }
        let itemRows = try await database.query(
            "SELECT sku, name, qty, unit_price_minor FROM order_items WHERE order_id = $1 ORDER BY line", [id])
        let items = try itemRows.map { item in
            LineItem(
                sku: try item.decode(String.self, "sku"), name: try item.decode(String.self, "name"),
                quantity: try item.decode(Int.self, "qty"),
                unitPrice: Money(minorUnits: try item.decode(Int64.self, "unit_price_minor"), currency: currency))
        }
        let order = Order(
            id: id,
            customer: Customer(
                id: try row.decode(String.self, "customer_id"), name: try row.decode(String?.self, "customer_name"),
                email: try row.decode(String?.self, "customer_email")),
            items: items,
            total: Money(minorUnits: try row.decode(Int64.self, "total_minor"), currency: currency),
            status: status,
            failureReason: try row.decode(String?.self, "failure_reason"),
            createdAt: try row.decode(Date.self, "created_at"),
            updatedAt: try row.decode(Date.self, "updated_at"))
        return StoredOrder(
            order: order, version: try row.decode(Int.self, "version"), creationEventID: try row.decode(UUID?.self, "creation_event_id"))
    }

    func detail(of id: UUID) async throws -> OrderDetail? {
        guard let stored = try await Self.loadOrder(id, in: pool) else { return nil }
        let history = try await pool.query(
            """
            SELECT from_status, to_status, step, actor, detail::text AS detail, created_at
            FROM order_events WHERE order_id = $1 ORDER BY id
            """,
            [id]
        ).map { row in
            OrderDetail.HistoryEntry(
                from: try row.decode(String?.self, "from_status"), to: try row.decode(String.self, "to_status"),
                step: try row.decode(String.self, "step"), actor: try row.decode(String.self, "actor"),
                detail: try row.decode(String?.self, "detail").flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) },
                at: try row.decode(Date.self, "created_at"))
        }
        let notifications = try await pool.query(
            """
            SELECT event_id, channel, recipient, subject, status, attempts, last_error, sent_at
            FROM notifications WHERE order_id = $1 ORDER BY created_at
            """,
            [id]
        ).map { row in
            OrderDetail.Notification(
                eventId: try row.decode(UUID.self, "event_id").lowercasedString, channel: try row.decode(String.self, "channel"),
                recipient: try row.decode(String.self, "recipient"), subject: try row.decode(String.self, "subject"),
                status: try row.decode(String.self, "status"), attempts: try row.decode(Int.self, "attempts"),
                error: try row.decode(String?.self, "last_error"), sentAt: try row.decode(Date?.self, "sent_at"))
        }
        let deadLetters = try await pool.query(
            """
            SELECT queue, event_type, reason, detail, attempts, failed_at, status, replay_count
            FROM dead_letters WHERE order_id = $1 ORDER BY failed_at DESC
            """,
            [id]
        ).map { row in
            OrderDetail.DeadLetter(
                queue: try row.decode(String.self, "queue"), eventType: try row.decode(String?.self, "event_type"),
                reason: try row.decode(String.self, "reason"), detail: try row.decode(String?.self, "detail"),
                attempts: try row.decode(Int.self, "attempts"), failedAt: try row.decode(Date.self, "failed_at"),
                status: try row.decode(String.self, "status"), replayCount: try row.decode(Int.self, "replay_count"))
        }
        let waiting = deadLetters.first { $0.status == "waiting" }
        let order = stored.order
        return OrderDetail(
            orderId: order.id.lowercasedString, status: order.status, failureReason: order.failureReason, customer: order.customer,
            currency: order.total.currency.code, totalMinorUnits: order.total.minorUnits, items: order.items.map(LineItemRepresentation.init),
            version: stored.version, createdAt: order.createdAt, updatedAt: order.updatedAt, history: history,
            notifications: notifications,
            processing: .init(deadLettered: waiting != nil, reason: waiting?.reason, entries: deadLetters))
    }

    /// A page of orders, newest first, after `cursor`.
    func list(status: OrderStatus?, customerID: String?, limit: Int, after cursor: OrderCursor?) async throws -> OrderPage {
        var conditions: [String] = []
        var parameters: [any PostgresBindable] = []
        if let status {
            parameters.append(status.rawValue)
            conditions.append("status = $\(parameters.count)")
        }
        if let customerID {
            parameters.append(customerID)
            conditions.append("customer_id = $\(parameters.count)")
        }
        if let cursor {
            parameters.append(cursor.createdAt)
            parameters.append(cursor.id)
            conditions.append("(created_at, id) < ($\(parameters.count - 1)::timestamptz, $\(parameters.count)::uuid)")
        }
        parameters.append(limit + 1)
        let rows = try await pool.query(
            """
            SELECT id, customer_id, status, total_minor, currency::text AS currency, created_at, created_at::text AS position
            FROM orders \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY created_at DESC, id DESC LIMIT $\(parameters.count)
            """,
            parameters)
        var items: [OrderSummary] = []
        var positions: [String] = []
        var ids: [UUID] = []
        for row in rows.prefix(limit) {
            guard let status = OrderStatus(rawValue: try row.decode(String.self, "status")) else {
                throw StoredOrderError(orderID: try row.decode(UUID.self, "id"))
            }
            items.append(
                OrderSummary(
                    orderId: try row.decode(UUID.self, "id").lowercasedString, customerId: try row.decode(String.self, "customer_id"), status: status,
                    totalMinorUnits: try row.decode(Int64.self, "total_minor"), currency: try row.decode(String.self, "currency"),
                    createdAt: try row.decode(Date.self, "created_at")))
            positions.append(try row.decode(String.self, "position"))
            ids.append(try row.decode(UUID.self, "id"))
        }
        let next = rows.count > limit ? ids.last.map { OrderCursor(createdAt: positions.last!, id: $0).encoded } : nil
        return OrderPage(items: items, nextCursor: next)
    }

    // MARK: Cancel

    /// Cancels an order that has not finished processing, emitting `order.cancelled`.
    func cancel(_ id: UUID, traceparent: String?) async throws -> CancelledOrder {
        let cancelled = try await pool.withTransaction { transaction in
            guard let stored = try await Self.loadOrder(id, in: transaction, forUpdate: true) else {
                throw Problem.orderNotFound(id.lowercasedString)
            }
            var order = stored.order
            guard order.status.isCancellable else {
                throw Problem(
                    .conflict, type: "urn:conveyor:problem:order-not-cancellable", title: "The order can no longer be cancelled",
                    detail: "order \(id.lowercasedString) is \(order.status)", currentStatus: order.status)
            }
            let previous = order.status
            order.status = try previous.transition(to: .cancelled)
            order.failureReason = "cancelled by the customer"
            order.updatedAt = Date()
            try await transaction.execute(
                """
                UPDATE orders SET status = 'CANCELLED', failure_reason = $2, version = version + 1, updated_at = $3
                WHERE id = $1
                """,
                [id, order.failureReason, order.updatedAt])
            let event = OrderEvent(
                type: .orderCancelled, source: service, time: order.updatedAt, traceparent: traceparent, data: OrderEventData(order: order))
            try await recordHistory(
                id, from: previous, to: .cancelled, step: "cancelled", detail: ["eventId": .string(event.id.lowercasedString)],
                in: transaction)
            try await Outbox.enqueue(OutboxEvent(event), in: transaction)
            return CancelledOrder(orderId: id.lowercasedString, status: .cancelled, eventId: event.id.lowercasedString)
        }
        eventsCommitted()
        return cancelled
    }

    private func recordHistory(
        _ orderID: UUID, from: OrderStatus?, to: OrderStatus, step: String, detail: [String: JSONValue], in transaction: PostgresTransaction
    ) async throws {
        try await transaction.execute(
            "INSERT INTO order_events (order_id, from_status, to_status, step, actor, detail) VALUES ($1, $2, $3, $4, $5, $6)",
            [orderID, from?.rawValue, to.rawValue, step, service, try PostgresJSON(encoding: JSONValue.object(detail))])
    }
}

/// A row of `orders` that this build cannot read (an unknown status or currency).
struct StoredOrderError: Error, CustomStringConvertible {
    var orderID: UUID
    var description: String { "order \(orderID) has a status or currency this service does not know" }
}

extension Order {
    /// True when `request` asks for this order: same customer, currency and lines.
    func matches(_ request: CreateOrderRequest) -> Bool {
        customer == request.customer && total.currency == request.currency
            && items.map { CreateOrderRequest.Item(sku: $0.sku, qty: $0.quantity) } == request.items
    }
}

extension CreateOrderRequest {
    /// The request's meaning (not its spelling) as canonical JSON: two requests with the same
    /// fingerprint ask for the same order. Stored as an MD5 digest with an `Idempotency-Key`.
    func fingerprint() throws -> String {
        struct Canonical: Encodable {
            var orderId: UUID?
            var customer: Customer
            var currency: String
            var items: [Item]
        }
        let bytes = try Timestamp.jsonEncoder().encode(Canonical(orderId: orderId, customer: customer, currency: currency.code, items: items))
        return String(decoding: bytes, as: UTF8.self)
    }
}
