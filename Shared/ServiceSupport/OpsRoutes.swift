import Hummingbird
import NIOCore
import Prometheus

/// `/healthz`, `/readyz` and `/metrics` on a Hummingbird router.
///
/// - `/healthz` answers 200 while the process runs (liveness).
/// - `/readyz` answers 200 when every ``ReadinessCheck`` passes, 503 otherwise; the body names
///   each check and why it failed.
/// - `/metrics` is the Prometheus text exposition of `registry`.
public struct OpsRoutes: Sendable {
    public var readiness: Readiness
    public var registry: PrometheusCollectorRegistry
    public var processMetrics: ProcessMetrics

    /// Also registers the `process_*` metrics (``ProcessMetrics``) in `registry`.
    public init(readiness: Readiness, registry: PrometheusCollectorRegistry) {
        self.readiness = readiness
        self.registry = registry
        self.processMetrics = ProcessMetrics(registry: registry)
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        let readiness = self.readiness
        router.get("/readyz") { _, _ in
            let report = await readiness.evaluate()
            var body = JSONText()
            body.raw(#"{"status":"#)
            body.string(report.isReady ? "ready" : "not ready")
            body.raw(#","checks":{"#)
            for (index, result) in report.results.enumerated() {
                body.pair(result.name, .string(result.failure ?? "ok"), first: index == 0)
            }
            body.raw("}}")
            return Response(
                status: report.isReady ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: body.bytes)))
        }
        let registry = self.registry
        let processMetrics = self.processMetrics
        router.get("/metrics") { _, _ in
            processMetrics.update()
            var bytes: [UInt8] = []
            bytes.reserveCapacity(16 * 1024)
            registry.emit(into: &bytes)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
