import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTPTypes
import Hummingbird
import NIOCore
import Orders

/// The orders API: `POST /orders`, `GET /orders/{id}`, `GET /orders`, `POST /orders/{id}/cancel`.
struct OrderRoutes: Sendable {
    static let maximumBodyBytes = 64 * 1024
    static let idempotencyKeyHeader = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!
    static let traceparentHeader = HTTPField.Name("traceparent")!

    /// The routes this type serves, for telling 405 from 404.
    static let table = RouteTable([
        ("/orders", [.get, .post]),
        ("/orders/{id}", [.get]),
        ("/orders/{id}/cancel", [.post]),
    ])

    let store: OrderStore

    static func location(of id: UUID) -> String {
        "/orders/\(id.lowercasedString)"
    }

    func add<Context: RequestContext>(to router: Router<Context>) {
        router.post("/orders") { request, context in try await self.create(request, context: context) }
        router.get("/orders") { request, _ in try await self.list(request) }
        router.get("/orders/{id}") { _, context in try await self.detail(context) }
        router.post("/orders/{id}/cancel") { request, context in try await self.cancel(request, context: context) }
    }

    // MARK: Handlers

    func create(_ request: Request, context: some RequestContext) async throws -> Response {
        guard let contentType = request.headers[.contentType], Self.isJSON(contentType) else {
            throw Problem(
                .unsupportedMediaType, detail: "send the order as application/json, not \(request.headers[.contentType] ?? "no content type")",
                headers: [.accept: "application/json"])
        }
        let idempotencyKey = try Self.idempotencyKey(request)
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
        let order: CreateOrderRequest
        do {
            order = try CreateOrderRequest.decode(from: body.readableBytesView)
        } catch let error as JSONSyntaxError {
            throw Problem.malformedJSON(error.description)
        }
        let trace = Self.trace(of: request)
        let creation = try await store.create(order, idempotencyKey: idempotencyKey, traceparent: trace.traceparent)
        switch creation {
        case .created(let created):
            context.logger.info(
                "order created",
                metadata: ["orderId": "\(created.orderId)", "eventId": "\(created.eventId)", "traceId": "\(trace.traceID)"])
            return try Self.json(
                created, status: .created, headers: [.location: created.location, Self.traceparentHeader: trace.traceparent])
        case .replayed(let created):
            return try Self.json(created, status: .created, headers: [.location: created.location, Self.replayedHeader: "true"])
        }
    }

    func detail(_ context: some RequestContext) async throws -> Response {
        let id = try Self.orderID(context)
        guard let detail = try await store.detail(of: id) else {
            throw Problem.orderNotFound(id.lowercasedString)
        }
        return try Self.json(detail, status: .ok)
    }

    func list(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var errors: [FieldError] = []
        var status: OrderStatus?
        if let text = query.get("status") {
            status = OrderStatus(rawValue: text.uppercased())
            if status == nil {
                errors.append(FieldError(field: "status", message: "must be one of " + OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")))
            }
        }
        var limit = 20
        if let text = query.get("limit") {
            if let value = Int(text), (1...100).contains(value) {
                limit = value
            } else {
                errors.append(FieldError(field: "limit", message: "must be an integer from 1 to 100"))
            }
        }
        var cursor: OrderCursor?
        if let text = query.get("cursor") {
            cursor = OrderCursor(encoded: text)
            if cursor == nil {
                errors.append(FieldError(field: "cursor", message: "is not a cursor this API returned"))
            }
        }
        var customerID: String?
        if let text = query.get("customerId") {
            if text.isEmpty || text.count > 128 {
                errors.append(FieldError(field: "customerId", message: "must be 1 to 128 characters"))
            } else {
                customerID = text
            }
        }
        guard errors.isEmpty else {
            throw Problem(
                .badRequest, type: "urn:conveyor:problem:invalid-query", title: "The query is not valid", errors: errors)
        }
        let page = try await store.list(status: status, customerID: customerID, limit: limit, after: cursor)
        return try Self.json(page, status: .ok)
    }

    /// The caller's trace when its `traceparent` is valid, else a new one: every order has a
    /// trace to follow.
    static func trace(of request: Request) -> TraceContext {
        request.headers[traceparentHeader].flatMap(TraceContext.init(traceparent:)) ?? .random()
    }

    func cancel(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = try Self.orderID(context)
        let trace = Self.trace(of: request)
        let cancelled = try await store.cancel(id, traceparent: trace.traceparent)
        context.logger.info(
            "order cancelled", metadata: ["orderId": "\(id.lowercasedString)", "eventId": "\(cancelled.eventId)", "traceId": "\(trace.traceID)"])
        return try Self.json(cancelled, status: .ok)
    }

    // MARK: Helpers

    static func isJSON(_ contentType: String) -> Bool {
        if contentType == "application/json" { return true }  // what nearly every client sends
        let mediaType = contentType.split(separator: ";").first.map { String($0).trimmingSpaces().lowercased() } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[idempotencyKeyHeader] else { return nil }
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value <= 0x7E }) else {
            throw Problem(
                .badRequest, type: "urn:conveyor:problem:invalid-idempotency-key", title: "The Idempotency-Key is not valid",
                detail: "use 1 to 255 printable ASCII characters, e.g. a UUID")
        }
        return key
    }

    static func orderID(_ context: some RequestContext) throws -> UUID {
        let text = context.parameters.get("id") ?? ""
        guard let id = UUID(parsing: text) else {
            throw Problem.orderNotFound(text)
        }
        return id
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try Timestamp.jsonEncoder().encode(value))))
    }
}
