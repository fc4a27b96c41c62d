import Foundation
import Testing
import TestSupport

/// The HTTP contract of api-gateway, against the real executable: every bad input gets its
/// status and an RFC 9457 problem document; idempotency, listing and cancelling behave as
/// documented.
extension EndToEnd {
    @Suite struct OrdersAPITests {
        /// Runs `body` against an api-gateway alone (nothing consumes its events).
        private func withGateway(_ body: (Pipeline) async throws -> Void) async throws {
            let pipeline = try await Pipeline.start(["api-gateway"])
            do {
                try await body(pipeline)
            } catch {
                await pipeline.stop()
                throw error
            }
            await pipeline.stop()
        }

        private func expectProblem(
            _ reply: HTTPProbe.Reply, _ status: Int, sourceLocation: SourceLocation = #_sourceLocation
        ) throws -> [String: Any] {
            #expect(reply.status == status, "\(reply.text)", sourceLocation: sourceLocation)
            #expect(reply.headers["content-type"] == "application/problem+json", sourceLocation: sourceLocation)
            let problem = try reply.object()
            #expect(problem["status"] as? Int == status, sourceLocation: sourceLocation)
            #expect(problem["title"] is String, sourceLocation: sourceLocation)
            #expect(problem["type"] is String, sourceLocation: sourceLocation)
            return problem
        }

        @Test func theDocumentedExampleRequestWorksOutOfTheBox() async throws {
            try await withGateway { pipeline in
                let reply = try await pipeline.post(
                    "/orders", json: #"{"customerId":"cust-123","items":[{"sku":"SKU-1","qty":2},{"sku":"SKU-2","qty":1}]}"#)
                #expect(reply.status == 201, "\(reply.text)")
                let created = try reply.object()
                let id = try #require(created["orderId"] as? String)
                #expect(created["status"] as? String == "PENDING")
                #expect(created["currency"] as? String == "USD")
                #expect((created["totalMinorUnits"] as? Int ?? 0) > 0)
                #expect(created["eventId"] is String)
                #expect(reply.headers["location"] == "/orders/\(id)")
                let order = try await pipeline.get("/orders/\(id)")
                #expect(order.status == 200)
                #expect((try order.object())["customer"] as? [String: String] == ["id": "cust-123"])
            }
        }

        @Test func badRequestsGetTheirStatusAndAProblemDocument() async throws {
            try await withGateway { pipeline in
                let malformed = try expectProblem(try await pipeline.post("/orders", json: #"{"customerId": "#), 400)
                #expect(malformed["instance"] as? String == "/orders")
                #expect(malformed["detail"] as? String == "the document ends where a value was expected at byte 15")
                let twice = try expectProblem(
                    try await pipeline.post("/orders", json: #"{"customerId":"a","customerId":"b","items":[{"sku":"SKU-1","qty":1}]}"#), 400)
                #expect(twice["detail"] as? String == #"the key "customerId" appears twice in one object at byte 18"#)

                _ = try expectProblem(
                    try await pipeline.post("/orders", json: #"{"customerId":"c"}"#, headers: ["Content-Type": "text/plain"]), 415)

                let huge = #"{"customerId":"c","customerName":""# + String(repeating: "x", count: 70_000) + #"","items":[]}"#
                _ = try expectProblem(try await pipeline.post("/orders", json: huge), 413)

                let invalid = try expectProblem(
                    try await pipeline.post(
                        "/orders", json: #"{"customerEmail":"nope","items":[{"sku":"SKU-1","qty":0}],"currency":"XYZ"}"#), 422)
                let fields = (invalid["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] }
                #expect(Set(fields) == ["customerId", "customerEmail", "currency", "items[0].qty"])

                let unknown = try expectProblem(
                    try await pipeline.post("/orders", json: #"{"customerId":"c","items":[{"sku":"NO-SUCH-SKU","qty":1}]}"#), 422)
                #expect((unknown["errors"] as? [[String: String]])?.first?["message"] == "unknown sku NO-SUCH-SKU")

                _ = try expectProblem(try await pipeline.get("/nothing-here"), 404)
                _ = try expectProblem(try await pipeline.get("/orders/\(UUID().uuidString)"), 404)
                let wrongMethod = try await HTTPProbe.request("DELETE", pipeline.api + "/orders")
                _ = try expectProblem(wrongMethod, 405)
                #expect(wrongMethod.headers["allow"] == "GET, POST")

                _ = try expectProblem(try await pipeline.get("/orders?limit=0"), 400)
                _ = try expectProblem(try await pipeline.get("/orders?status=LOST"), 400)
                _ = try expectProblem(try await pipeline.get("/orders?cursor=not-a-cursor"), 400)
            }
        }

        @Test func idempotencyKeysAndClientOrderIdsReplayTheFirstAnswer() async throws {
            try await withGateway { pipeline in
                let key = UUID().uuidString
                let body = #"{"customerId":"c-idem","items":[{"sku":"SKU-1","qty":1}]}"#
                let first = try await pipeline.post("/orders", json: body, headers: ["Idempotency-Key": key])
                #expect(first.status == 201)
                let second = try await pipeline.post(
                    "/orders", json: #"{ "items":[{"qty":1,"sku":"SKU-1"}], "customerId":"c-idem" }"#, headers: ["Idempotency-Key": key])
                #expect(second.status == 201)
                #expect(second.headers["idempotent-replayed"] == "true")
                #expect(try second.object()["orderId"] as? String == (try first.object())["orderId"] as? String)
                _ = try expectProblem(
                    try await pipeline.post("/orders", json: #"{"customerId":"c-idem","items":[{"sku":"SKU-2","qty":1}]}"#, headers: ["Idempotency-Key": key]),
                    422)

                let orderID = UUID().uuidString.lowercased()
                let withID = #"{"orderId":"\#(orderID)","customerId":"c-id","items":[{"sku":"SKU-3","qty":2}]}"#
                #expect(try await pipeline.post("/orders", json: withID).status == 201)
                let again = try await pipeline.post("/orders", json: withID)
                #expect(again.status == 201)
                #expect(again.headers["idempotent-replayed"] == "true")
                let conflict = try expectProblem(
                    try await pipeline.post("/orders", json: #"{"orderId":"\#(orderID)","customerId":"c-id","items":[{"sku":"SKU-3","qty":3}]}"#),
                    409)
                #expect(conflict["currentStatus"] as? String == "PENDING")

                // The same new order id posted eight times at once: one order, seven replays.
                let raced = UUID().uuidString.lowercased()
                let racing = #"{"orderId":"\#(raced)","customerId":"c-race","items":[{"sku":"SKU-1","qty":1}]}"#
                let ordersURL = pipeline.api + "/orders"
                let replies = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            let reply = try await HTTPProbe.request(
                                "POST", ordersURL, body: Data(racing.utf8), headers: ["Content-Type": "application/json"])
                            return (reply.status, reply.headers["idempotent-replayed"])
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(replies.allSatisfy { $0.0 == 201 })
                #expect(replies.filter { $0.1 == "true" }.count == 7)
                let counts = try await pipeline.database.query(
                    """
                    SELECT (SELECT count(*) FROM order_items WHERE order_id = $1)::int8 AS items,
                           (SELECT count(*) FROM order_events WHERE order_id = $1 AND step = 'created')::int8 AS history,
                           (SELECT count(*) FROM outbox WHERE routing_key = 'order.created' AND lower(envelope->'data'->>'orderId') = $2)::int8 AS events
                    """,
                    [UUID(uuidString: raced)!, raced])
                #expect(try counts[0].decode(Int.self, "items") == 1)
                #expect(try counts[0].decode(Int.self, "history") == 1)
                #expect(try counts[0].decode(Int.self, "events") == 1)
            }
        }

        @Test func listingPagesNewestFirstWithACursor() async throws {
            try await withGateway { pipeline in
                let customer = "c-list-\(UUID().uuidString.prefix(8))"
                var created: [String] = []
                for _ in 0..<5 {
                    let reply = try await pipeline.post("/orders", json: #"{"customerId":"\#(customer)","items":[{"sku":"SKU-1","qty":1}]}"#)
                    created.append(try #require(try reply.object()["orderId"] as? String))
                }
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let query = "/orders?customerId=\(customer)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let page = try await pipeline.get(query)
                    #expect(page.status == 200, "\(page.text)")
                    let object = try page.object()
                    let items = object["items"] as? [[String: Any]] ?? []
                    #expect(items.count <= 2)
                    seen += items.compactMap { $0["orderId"] as? String }
                    cursor = object["nextCursor"] as? String
                } while cursor != nil && seen.count < 10
                #expect(seen == created.reversed())

                let pending = try await pipeline.get("/orders?status=PENDING&customerId=\(customer)&limit=100")
                #expect((try pending.object()["items"] as? [Any])?.count == 5)
            }
        }

        @Test func theOpenAPIDocumentDescribesTheServedRoutes() async throws {
            try await withGateway { pipeline in
                let reply = try await pipeline.get("/openapi.yaml")
                #expect(reply.status == 200)
                #expect(reply.headers["content-type"]?.hasPrefix("application/yaml") == true)
                let document = OpenAPIOutline(reply.text)
                #expect(document.version == "3.1.0")
                #expect(document.operations == [
                    "GET /healthz", "GET /metrics", "GET /openapi.yaml", "GET /orders", "GET /orders/{id}", "GET /readyz",
                    "POST /orders", "POST /orders/{id}/cancel",
                ])
                // Every documented path answers something other than 404/405 for its methods.
                for operation in document.operations {
                    let parts = operation.split(separator: " ")
                    let path = String(parts[1]).replacingOccurrences(of: "{id}", with: UUID().uuidString.lowercased())
                    let isPost = parts[0] == "POST"
                    let answer = try await HTTPProbe.request(
                        String(parts[0]), pipeline.api + path, body: isPost ? Data("{}".utf8) : nil,
                        headers: isPost ? ["Content-Type": "application/json"] : [:])
                    if path.hasPrefix("/orders/") {
                        let type = try answer.object()["type"] as? String
                        #expect(answer.status == 404 && type == "urn:conveyor:problem:order-not-found", "\(operation)")
                    } else {
                        #expect(answer.status != 404 && answer.status != 405, "\(operation): \(answer.status)")
                    }
                }
                // The documented response schemas name exactly the fields the API returns.
                let created = try await pipeline.post("/orders", json: #"{"customerId":"c-doc","items":[{"sku":"SKU-1","qty":1}]}"#)
                #expect(Set(try created.object().keys) == document.properties(of: "CreatedOrder"))
                let id = try #require(try created.object()["orderId"] as? String)
                let detail = try await pipeline.get("/orders/\(id)")
                let documented = document.properties(of: "OrderDetail")
                #expect(Set(try detail.object().keys).isSubset(of: documented))
                #expect(document.required(of: "OrderDetail").isSubset(of: Set(try detail.object().keys)))
                let page = try await pipeline.get("/orders?limit=1")
                #expect(Set(try page.object().keys).isSubset(of: document.properties(of: "OrderPage")))
                let problem = try await pipeline.get("/orders/\(UUID().uuidString)")
                #expect(Set(try problem.object().keys).isSubset(of: document.properties(of: "Problem")))
            }
        }
    }
}
