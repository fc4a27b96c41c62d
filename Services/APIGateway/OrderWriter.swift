import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Orders
import Outbox
import Storage

/// Writes new orders: each with its lines, its first history row and its `order.created`
/// event, all in one statement, so they commit together or not at all. Several orders share
/// the statement (and one read of the catalog) when concurrent requests are written as a batch.
///
/// An order whose client-chosen id exists already writes nothing: it is answered from the
/// stored order, as a replay of the same request or a conflict with another one.
struct OrderWriter: Sendable {
    let pool: PostgresPool
    /// The `actor` of the history rows and `source` of the events.
    let service: String
    /// Called after a statement of ``write(_:)`` that wrote events has committed
    /// (``OutboxRelay/eventsCommitted()``).
    let eventsCommitted: @Sendable () -> Void

    struct NewOrder: Sendable {
        var request: CreateOrderRequest
        var traceparent: String?
    }

    /// A priced order and its `order.created` event, ready to be written.
    struct PricedOrder: Sendable {
        var order: Order
        var event: OrderEvent
    }

    struct CatalogEntry: Sendable {
        var name: String
        var unitPriceMinorUnits: Int64
        var currency: String
    }

    /// Writes a batch of orders; one result per order, in the same order. A failure of the
    /// whole batch other than the database being unavailable writes the orders one at a time,
    /// so each gets its own answer.
    func write(_ batch: [NewOrder]) async -> [Result<OrderStore.Creation, any Error>] {
        do {
            let results = try await pool.withConnection { connection in try await write(batch, in: connection) }
            notifyIfCreated(results)
            return results
        } catch let error as PostgresError where error.isUnavailable || error.isConnectionFailure || error.kind == .acquireTimeout {
            return batch.map { _ in .failure(error) }
        } catch {
            guard batch.count > 1 else { return [.failure(error)] }
            var results: [Result<OrderStore.Creation, any Error>] = []
            for order in batch {
                do {
                    results.append(.success(try await pool.withConnection { connection in try await writeOne(order, in: connection) }))
                } catch {
                    results.append(.failure(error))
                }
            }
            notifyIfCreated(results)
            return results
        }
    }

    /// Each statement of ``write(_:)`` commits on its own (no transaction around it).
    private func notifyIfCreated(_ results: [Result<OrderStore.Creation, any Error>]) {
        let created = results.contains {
            if case .success(.created) = $0 { true } else { false }
        }
        if created { eventsCommitted() }
    }

    /// Writes one order (in the caller's transaction, if it is one).
    func writeOne(_ order: NewOrder, in database: some PostgresQuerying) async throws -> OrderStore.Creation {
        try await write([order], in: database)[0].get()
    }

    private func write(_ batch: [NewOrder], in database: some PostgresQuerying) async throws -> [Result<OrderStore.Creation, any Error>] {
        var results = [Result<OrderStore.Creation, any Error>?](repeating: nil, count: batch.count)
        let catalog = try await catalog(for: Set(batch.flatMap { $0.request.items.map(\.sku) }), in: database)
        let now = Date()
        var priced: [(position: Int, order: PricedOrder)] = []
        var repeated: [Int] = []
        var chosenIDs = Set<UUID>()
        for (position, new) in batch.enumerated() {
            if let id = new.request.orderId, !chosenIDs.insert(id).inserted {
                repeated.append(position)  // the same id twice in one batch: the second one is answered after the first is written
                continue
            }
            do {
                priced.append((position, try price(new, from: catalog, at: now)))
            } catch let problem as Problem where new.request.orderId != nil {
                // A repeat of an earlier request is answered as before, whatever the catalog says now.
                guard let existing = try await OrderStore.loadOrder(new.request.orderId!, in: database) else {
                    results[position] = .failure(problem)
                    continue
                }
                results[position] = Result { try Self.replay(existing, of: new.request) }
            } catch {
                results[position] = .failure(error)
            }
        }
        let written = try await insert(priced.map(\.order), in: database)
        for (position, order) in priced {
            if written.contains(order.order.id) {
                results[position] = .success(.created(CreatedOrder(order: order.order, eventID: order.event.id)))
            } else {
                results[position] = try await answerFromStoredOrder(batch[position].request, id: order.order.id, in: database)
            }
        }
        for position in repeated {
            let request = batch[position].request
            results[position] = try await answerFromStoredOrder(request, id: request.orderId!, in: database)
        }
        return results.map { $0! }
    }

    /// The answer to `request`, whose order `id` exists already.
    private func answerFromStoredOrder(
        _ request: CreateOrderRequest, id: UUID, in database: some PostgresQuerying
    ) async throws -> Result<OrderStore.Creation, any Error> {
        guard let existing = try await OrderStore.loadOrder(id, in: database) else {
            return .failure(StoredOrderError(orderID: id))
        }
        return Result { try Self.replay(existing, of: request) }
    }

    /// The answer to a request naming an order that exists: the first answer when the request
    /// is the same, else a ``Problem`` (409).
    static func replay(_ existing: OrderStore.StoredOrder, of request: CreateOrderRequest) throws -> OrderStore.Creation {
        guard existing.order.matches(request) else {
            throw Problem(
                .conflict, type: "urn:conveyor:problem:order-exists", title: "The order exists with other content",
                detail: "order \(existing.order.id.lowercasedString) was created before with different content",
                currentStatus: existing.order.status)
        }
        return .replayed(CreatedOrder(order: existing.order, eventID: existing.creationEventID ?? existing.order.id))
    }

    /// The catalog entries of `skus`.
    private func catalog(for skus: Set<String>, in database: some PostgresQuerying) async throws -> [String: CatalogEntry] {
        let rows = try await database.query(
            "SELECT sku, name, unit_price_minor, currency::text AS currency FROM catalog WHERE sku = ANY($1::text[])",
            [PostgresArray(skus.sorted())])
        var catalog: [String: CatalogEntry] = [:]
        for row in rows {
            catalog[try row.decode(String.self, "sku")] = CatalogEntry(
                name: try row.decode(String.self, "name"), unitPriceMinorUnits: try row.decode(Int64.self, "unit_price_minor"),
                currency: try row.decode(String.self, "currency"))
        }
        return catalog
    }

    /// Prices every requested line from the catalog (unknown skus and prices in another
    /// currency are field errors) and builds the order and its event.
    private func price(_ new: NewOrder, from catalog: [String: CatalogEntry], at now: Date) throws -> PricedOrder {
        let request = new.request
        var errors: [FieldError] = []
        var items: [LineItem] = []
        for (index, requested) in request.items.enumerated() {
            guard let entry = catalog[requested.sku] else {
                errors.append(FieldError(field: "items[\(index)].sku", message: "unknown sku \(requested.sku)"))
                continue
            }
            guard entry.currency == request.currency.code else {
                errors.append(
                    FieldError(field: "items[\(index)].sku", message: "\(requested.sku) is priced in \(entry.currency), not \(request.currency.code)"))
                continue
            }
            items.append(
                LineItem(
                    sku: requested.sku, name: entry.name, quantity: requested.qty,
                    unitPrice: Money(minorUnits: entry.unitPriceMinorUnits, currency: request.currency)))
        }
        guard errors.isEmpty else { throw Problem.validation(ValidationFailure(errors)) }
        let total: Money
        do {
            total = try Order.total(of: items, in: request.currency)
        } catch {
            throw Problem.validation(ValidationFailure([FieldError(field: "items", message: "the total is out of range")]))
        }
        let order = Order(
            id: request.orderId ?? .timeOrdered(at: now), customer: request.customer, items: items, total: total, status: .pending,
            createdAt: now, updatedAt: now)
        let event = OrderEvent(type: .orderCreated, source: service, time: now, traceparent: new.traceparent, data: OrderEventData(order: order))
        return PricedOrder(order: order, event: event)
    }

    /// Inserts the orders, their lines, history rows and events in one statement and returns the
    /// ids written. Foreign keys are checked at the end of the statement, when every part is
    /// written. An id that exists already writes nothing for its order (after waiting for a
    /// concurrent request with that id to commit).
    private func insert(_ orders: [PricedOrder], in database: some PostgresQuerying) async throws -> Set<UUID> {
        guard !orders.isEmpty else { return [] }
        let lines = orders.flatMap { priced in priced.order.items.enumerated().map { (priced.order.id, $0.offset + 1, $0.element) } }
        let outbox = Outbox.Insertion(
            orders.map { OutboxEvent($0.event) }, firstParameter: 18,
            when: "e.event_id IN (SELECT c.event_id FROM unnest($16::uuid[], $17::uuid[]) AS c(order_id, event_id) JOIN new_orders n ON n.id = c.order_id)"
        )
        let rows = try await database.query(
            """
            WITH new_orders AS (
                INSERT INTO orders (id, customer_id, customer_name, customer_email, currency, total_minor, status, created_at, updated_at)
                SELECT o.id, o.customer_id, o.customer_name, o.customer_email, o.currency, o.total_minor, 'PENDING', o.created_at, o.created_at
                FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::timestamptz[])
                    AS o(id, customer_id, customer_name, customer_email, currency, total_minor, created_at)
                ON CONFLICT (id) DO NOTHING RETURNING id
            ), lines AS (
                INSERT INTO order_items (order_id, line, sku, name, qty, unit_price_minor)
                SELECT t.order_id, t.line, t.sku, t.name, t.qty, t.price
                FROM unnest($8::uuid[], $9::int8[], $10::text[], $11::text[], $12::int8[], $13::int8[]) AS t(order_id, line, sku, name, qty, price)
                WHERE t.order_id IN (SELECT id FROM new_orders)
            ), history AS (
                INSERT INTO order_events (order_id, from_status, to_status, step, actor, detail)
                SELECT h.order_id, NULL, 'PENDING', 'created', $14, h.detail::jsonb
                FROM unnest($16::uuid[], $15::text[]) AS h(order_id, detail)
                WHERE h.order_id IN (SELECT id FROM new_orders)
            ), events AS (
                \(outbox.sql)
            )
            SELECT n.id FROM new_orders n
            """,
            [
                PostgresArray(orders.map(\.order.id)), PostgresArray(orders.map(\.order.customer.id)),
                PostgresArray(orders.map(\.order.customer.name)), PostgresArray(orders.map(\.order.customer.email)),
                PostgresArray(orders.map(\.order.total.currency.code)), PostgresArray(orders.map(\.order.total.minorUnits)),
                PostgresArray(orders.map(\.order.createdAt)),
                PostgresArray(lines.map(\.0)), PostgresArray(lines.map { Int64($0.1) }), PostgresArray(lines.map(\.2.sku)),
                PostgresArray(lines.map(\.2.name)), PostgresArray(lines.map { Int64($0.2.quantity) }),
                PostgresArray(lines.map(\.2.unitPrice.minorUnits)),
                service,
                PostgresArray(orders.map { JSONValue.object(["eventId": .string($0.event.id.lowercasedString)]).jsonText }),
                PostgresArray(orders.map(\.order.id)), PostgresArray(orders.map(\.event.id)),
            ] + outbox.parameters)
        return Set(try rows.map { try $0.decode(UUID.self, "id") })
    }
}
