import Hummingbird
import Metrics
import Synchronization

/// Counts and times every request, by the route that matched (its template, such as
/// `/orders/{id}`, so an order id never becomes a label value), the method and the status.
///
/// | name | type | labels |
/// |---|---|---|
/// | `conveyor_http_requests_total` | counter | route, method, status |
/// | `conveyor_http_request_duration_seconds` | histogram: until the response head is ready | route, method |
///
/// `route` is `unmatched` for requests no route took (404s); `method` is one of the
/// standard methods or `other`. Add it first, outside ``ProblemMiddleware``, so the statuses
/// it records are the ones clients get.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// A standard method's name, or `other`: a bounded label.
    private static func label(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .patch, .delete, .options: method.rawValue
        default: "other"
        }
    }

    /// The metric handles of each route, method and status seen: one registry lookup per
    /// series, not one per request.
    private let handles = SeriesHandles()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: response.status, duration: ContinuousClock.now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(request, context: context, status: status, duration: ContinuousClock.now - started)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: HTTPResponse.Status, duration: Duration) {
        let route = context.endpointPath ?? "unmatched"
        let series = handles.series(route: route, method: Self.label(request.method), status: status.code)
        series.requests.increment()
        series.duration.record(duration: duration)
    }
}

private final class SeriesHandles: Sendable {
    static let requestsName = "conveyor_http_requests_total"
    static let durationName = "conveyor_http_request_duration_seconds"

    struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    struct Series: Sendable {
        var requests: Counter
        var duration: Metrics.Timer
    }

    private let known = Mutex<[Key: Series]>([:])

    func series(route: String, method: String, status: Int) -> Series {
        let key = Key(route: route, method: method, status: status)
        if let series = known.withLock({ $0[key] }) { return series }
        let series = Series(
            requests: Counter(label: Self.requestsName, dimensions: [
                ("route", route), ("method", method), ("status", String(status)),
            ]),
            duration: Metrics.Timer(
                label: Self.durationName, dimensions: [("route", route), ("method", method)]))
        known.withLock { $0[key] = series }
        return series
    }
}
