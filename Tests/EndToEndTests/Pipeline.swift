import Foundation
import Orders
import Storage
import Testing
import TestSupport

/// The four services as processes against the private servers of deploy/local, with an SMTP
/// sink: what an end-to-end test drives over HTTP and AMQP. ``stop()`` stops every process it
/// started (SIGTERM, then SIGKILL) and the sink.
final class Pipeline {
    struct Options {
        var failureInjection = false
        var retryDelays = "200ms,400ms"
        var maxAttempts = 5
        var extra: [String: [String: String]] = [:]
    }

    let stack = TestStack()
    let options: Options
    let sink: SMTPSink
    let apiPort: Int
    private(set) var services: [String: ServiceProcess] = [:]
    private(set) var opsPorts: [String: Int] = [:]
    let database: PostgresPool

    var api: String { "http://127.0.0.1:\(apiPort)" }

    static let workers = ["order-processor", "notifier", "dlq-replayer"]

    private init(options: Options, sink: SMTPSink, apiPort: Int, database: PostgresPool) {
        self.options = options
        self.sink = sink
        self.apiPort = apiPort
        self.database = database
    }

    /// Starts the sink and `services` (default: all four) and waits until each is ready.
    static func start(_ services: [String] = ["api-gateway"] + workers, options: Options = Options()) async throws -> Pipeline {
        let stack = TestStack()
        let database = PostgresPool(
            configuration: .init(connection: try PostgresConfiguration(url: try stack.ownerPostgresURL()), maxConnections: 4),
            logger: .init(label: "e2e"))
        let sink = try await SMTPSink.start()
        let pipeline = Pipeline(options: options, sink: sink, apiPort: try FreePort.next(), database: database)
        do {
            // The local stack's database outlives test runs (and load tests): the demo skus the
            // tests order must not run out.
            if services.contains("api-gateway") {
                try await pipeline.restockDemoCatalog()
            }
            for service in services {
                try await pipeline.start(service)
            }
            return pipeline
        } catch {
            await pipeline.stop()
            throw error
        }
    }

    /// Empties `queue` through the RabbitMQ management API (answers 204; 404 when the queue
    /// was never declared).
    func purgeQueue(_ queue: String) async throws {
        guard let amqp = URLComponents(string: try stack.require("CONVEYOR_TEST_AMQP_URL")),
            let user = amqp.user, let password = amqp.password
        else { throw EndToEndError("CONVEYOR_TEST_AMQP_URL has no credentials") }
        let vhost = String(amqp.path.dropFirst()).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let url = try stack.require("CONVEYOR_TEST_MANAGEMENT_URL") + "/api/queues/\(vhost)/\(queue)/contents"
        let credentials = Data("\(user.removingPercentEncoding ?? user):\(password.removingPercentEncoding ?? password)".utf8)
        let reply = try await HTTPProbe.request("DELETE", url, headers: ["Authorization": "Basic \(credentials.base64EncodedString())"])
        guard reply.status == 204 || reply.status == 404 else {
            throw EndToEndError("purging \(queue) answered \(reply.status): \(reply.text)")
        }
    }

    /// Tops up the in-stock demo skus (SKU-1 … SKU-6) that fell below 1,000 units to 10,000.
    /// Needs the schema, so the first run (nothing migrated yet) skips it.
    func restockDemoCatalog() async throws {
        let migrated = try await database.query("SELECT to_regclass('inventory') IS NOT NULL AS migrated")
        guard try migrated.first?.decode(Bool.self, "migrated") == true else { return }
        _ = try await database.execute(
            "UPDATE inventory SET available = 10000 WHERE sku = ANY($1::text[]) AND available < 1000",
            [PostgresArray((1...6).map { "SKU-\($0)" })])
    }

    func environment(for service: String) throws -> [String: String] {
        var environment = [
            "AMQP_URL": try stack.amqpURL(for: service),
            "DATABASE_URL": try stack.postgresURL(for: service),
            "LOG_LEVEL": "debug",
        ]
        switch service {
        case "api-gateway":
            environment["HTTP_PORT"] = "\(apiPort)"
            environment["DATABASE_MIGRATION_URL"] = try stack.ownerPostgresURL()
        case "order-processor":
            environment["FAILURE_INJECTION"] = options.failureInjection ? "true" : "false"
            environment["RETRY_DELAYS"] = options.retryDelays
            environment["MAX_ATTEMPTS"] = "\(options.maxAttempts)"
        case "notifier":
            environment["SMTP_URL"] = "smtp://127.0.0.1:\(sink.port)"
            environment["NOTIFY_FALLBACK_RECIPIENT"] = "orders-without-email@conveyor.test"
            environment["RETRY_DELAYS"] = options.retryDelays
        default:
            break
        }
        if service != "api-gateway" {
            let port = try opsPorts[service] ?? FreePort.next()
            opsPorts[service] = port
            environment["OPS_PORT"] = "\(port)"
        }
        environment.merge(options.extra[service] ?? [:]) { _, new in new }
        return environment
    }

    /// Starts (or restarts) one service and waits until `/readyz` answers 200.
    func start(_ service: String, environment overrides: [String: String] = [:]) async throws {
        var environment = try environment(for: service)
        environment.merge(overrides) { _, new in new }
        let process = try ServiceProcess(service, arguments: service == "dlq-replayer" ? ["serve"] : [], environment: environment)
        try process.start()
        services[service] = process
        try await HTTPProbe.waitFor(readyURL(service), timeout: .seconds(60), service: process)
    }

    /// Stops one service with SIGTERM and expects a clean exit.
    func stop(_ service: String) async throws {
        guard let process = services.removeValue(forKey: service) else { return }
        let status = try await process.terminate(timeout: .seconds(20))
        #expect(status == 0, "\(service) did not stop cleanly\n\(process.logTail)")
    }

    func readyURL(_ service: String) -> String {
        if service == "api-gateway" { return "\(api)/readyz" }
        return "http://127.0.0.1:\(opsPorts[service] ?? 0)/readyz"
    }

    func metricsURL(_ service: String) -> String {
        if service == "api-gateway" { return "\(api)/metrics" }
        return "http://127.0.0.1:\(opsPorts[service] ?? 0)/metrics"
    }

    func stop() async {
        for (service, process) in services {
            let status = try? await process.terminate(timeout: .seconds(20))
            if status != 0 {
                Issue.record("\(service) did not stop cleanly (status \(String(describing: status)))\n\(process.logTail)")
            }
        }
        services.removeAll()
        await sink.stop()
        await database.close()
    }

    /// Runs `dlq-replayer ARGUMENTS` as an operator would, with the replayer's own database role
    /// and broker user, and waits up to `timeout` for it to exit. Returns its exit status and
    /// the process (for its standard output and error).
    func dlqReplayer(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> (status: Int32, process: ServiceProcess) {
        let process = try ServiceProcess(
            "dlq-replayer", arguments: arguments,
            environment: [
                "AMQP_URL": try stack.amqpURL(for: "dlq-replayer"), "DATABASE_URL": try stack.postgresURL(for: "dlq-replayer"),
                "AMQP_PUBLISH_TIMEOUT": "10s",
            ])
        try process.start()
        guard let status = try await process.waitForExit(timeout: timeout) else {
            try await process.terminate(timeout: .seconds(5))
            throw EndToEndError("dlq-replayer \(arguments.joined(separator: " ")) did not finish within \(timeout)\n\(process.logTail)")
        }
        return (status, process)
    }

    /// The log tails of every running service, for failure messages.
    var logs: String {
        services.values.map(\.logTail).joined(separator: "\n")
    }

    // MARK: HTTP

    @discardableResult
    func post(_ path: String, json: String, headers: [String: String] = [:]) async throws -> HTTPProbe.Reply {
        var headers = headers
        if headers["Content-Type"] == nil { headers["Content-Type"] = "application/json" }
        return try await HTTPProbe.request("POST", api + path, body: Data(json.utf8), headers: headers)
    }

    func get(_ path: String) async throws -> HTTPProbe.Reply {
        try await HTTPProbe.get(api + path)
    }

    /// Posts an order and returns its id; the answer must be 201.
    func createOrder(items: String = #"[{"sku":"SKU-1","qty":1}]"#, email: String? = "ada@example.com", headers: [String: String] = [:]) async throws -> UUID {
        let emailField = email.map { #","customerEmail":"\#($0)""# } ?? ""
        let reply = try await post("/orders", json: #"{"customerId":"e2e-customer","customerName":"Ada"\#(emailField),"items":\#(items)}"#, headers: headers)
        guard reply.status == 201, let id = (try? reply.object())?["orderId"] as? String, let uuid = UUID(uuidString: id) else {
            throw EndToEndError("POST /orders answered \(reply.status): \(reply.text)\n\(logs)")
        }
        return uuid
    }

    func order(_ id: UUID) async throws -> [String: Any] {
        let reply = try await get("/orders/\(id.uuidString.lowercased())")
        guard reply.status == 200 else { throw EndToEndError("GET /orders/\(id) answered \(reply.status): \(reply.text)") }
        return try reply.object()
    }

    /// Waits until the order has `status`. A failed GET (a slow answer on a busy machine) is
    /// asked again until the timeout; the last answer or error is in the error thrown then.
    func waitForStatus(_ id: UUID, _ status: String, timeout: Duration = .seconds(60)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var last: String = "no answer"
        while ContinuousClock.now < deadline {
            do {
                let order = try await order(id)
                if order["status"] as? String == status { return order }
                last = "\(order["status"] ?? "?"): \(order)"
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw EndToEndError("order \(id) is not \(status) after \(timeout); last answer: \(last)\n\(logs)")
    }

    // MARK: Mail

    /// E-mails about `orderID` the sink has received.
    func mails(about orderID: UUID) throws -> [ParsedMail] {
        try sink.messages().map { ParsedMail($0.raw) }.filter { $0.header("X-Conveyor-Order-Id") == orderID.uuidString.lowercased() }
    }

    /// Waits until `count` e-mails about the order have arrived.
    func waitForMails(about orderID: UUID, count: Int = 1, timeout: Duration = .seconds(60)) async throws -> [ParsedMail] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let mails = try mails(about: orderID)
            if mails.count >= count { return mails }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw EndToEndError("\(count) e-mail(s) about \(orderID) did not arrive within \(timeout)\n\(logs)")
    }
}

extension HTTPProbe.Reply {
    func object() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw EndToEndError("not a JSON object: \(text)")
        }
        return object
    }
}
