import Hummingbird
import HummingbirdTesting
import Prometheus
import ServiceSupport
import Synchronization
import Testing

@Suite struct OpsRoutesTests {
    private func application(readiness: Readiness, registry: PrometheusCollectorRegistry = .init()) -> some ApplicationProtocol {
        let router = Router()
        OpsRoutes(readiness: readiness, registry: registry).add(to: router)
        return Application(router: router)
    }

    @Test func healthzAnswersWhileTheProcessRuns() async throws {
        try await application(readiness: Readiness()).test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
        }
    }

    @Test func readyzReportsEachCheck() async throws {
        let databaseUp = Atomic(false)
        let readiness = Readiness([
            ReadinessCheck("amqp") { nil },
            ReadinessCheck("database") { databaseUp.load(ordering: .relaxed) ? nil : "connection refused" },
        ])
        try await application(readiness: readiness).test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body) == #"{"status":"not ready","checks":{"amqp":"ok","database":"connection refused"}}"#)
            }
            databaseUp.store(true, ordering: .relaxed)
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ready","checks":{"amqp":"ok","database":"ok"}}"#)
            }
        }
    }

    @Test func metricsExposesTheRegistryAndProcessMetrics() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(descriptor: .init(namespace: "conveyor", metricName: "test_events", unitName: "total", helpText: "Test events.")).increment(by: Int64(3))
        try await application(readiness: Readiness(), registry: registry).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let text = String(buffer: response.body)
                #expect(text.contains("conveyor_test_events_total 3"))
                #expect(text.contains("# TYPE process_resident_memory_bytes gauge"))
                let resident = text.split(separator: "\n").first { $0.hasPrefix("process_resident_memory_bytes ") }
                #expect((resident.flatMap { Double($0.split(separator: " ")[1]) } ?? 0) > 1_000_000)
            }
        }
    }
}
