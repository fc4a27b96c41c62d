import Hummingbird
import Metrics

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
    static var requestsName: String { "conveyor_http_requests_total" }
    static var durationName: String { "conveyor_http_request_duration_seconds" }

    private static var knownMethods: Set<HTTPRequest.Method> {
        [.get, .head, .post, .put, .patch, .delete, .options]
    }

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
        let method = Self.knownMethods.contains(request.method) ? request.method.rawValue : "other"
        Counter(label: Self.requestsName, dimensions: [("route", route), ("method", method), ("status", String(status.code))])
            .increment()
        Metrics.Timer(label: Self.durationName, dimensions: [("route", route), ("method", method)]).record(duration: duration)
    }
}
