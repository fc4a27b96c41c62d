import HTTPTypes
import Hummingbird
import Logging
import Orders
import Storage

/// Turns every error into an RFC 9457 problem document: validation failures (422 with field
/// errors), malformed JSON (400), an oversized body (413), an unknown route (404) or a known
/// route with the wrong method (405 with `Allow`), the database being down (503 with
/// `Retry-After`), and anything unexpected (500, logged, without internals in the answer).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The API's routes, to tell a wrong method (405) from an unknown path (404).
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return problem(for: error, request: request, logger: context.logger).response(instance: request.uri.path)
        }
    }

    func problem(for error: any Error, request: Request, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let failure as ValidationFailure:
            return .validation(failure)
        case let error as HTTPError:
            if error.status == .notFound {
                let allowed = routes.methods(for: request.uri.path)
                if !allowed.isEmpty {
                    return Problem(
                        .methodNotAllowed, detail: "\(request.method) is not allowed on \(request.uri.path)",
                        headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
                }
                return Problem(.notFound, detail: "no route for \(request.method) \(request.uri.path)")
            }
            return Problem(error.status, detail: error.body)
        case let error as any HTTPResponseError where error.status == .contentTooLarge:
            return Problem(.contentTooLarge, detail: "the body is larger than \(OrderRoutes.maximumBodyBytes / 1024) KiB")
        case let error as any HTTPResponseError:
            return Problem(error.status)
        case let error as PostgresError where error.isUnavailable || error.isConnectionFailure || error.kind == .acquireTimeout:
            logger.warning("database unavailable", metadata: ["error": "\(error)"])
            return .databaseUnavailable()
        default:
            logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return Problem(.internalServerError, detail: "the request failed; the service log has the details")
        }
    }
}

/// The API's paths and their methods; `{name}` matches one path segment.
struct RouteTable: Sendable {
    var routes: [(pattern: [Substring], methods: [HTTPRequest.Method])]

    init(_ routes: [(String, [HTTPRequest.Method])]) {
        self.routes = routes.map { (pattern: $0.0.split(separator: "/"), methods: $0.1) }
    }

    func adding(_ route: (String, [HTTPRequest.Method])) -> RouteTable {
        var table = self
        table.routes.append((pattern: route.0.split(separator: "/"), methods: route.1))
        return table
    }

    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        var methods: [HTTPRequest.Method] = []
        for route in routes where route.pattern.count == segments.count {
            let matches = zip(route.pattern, segments).allSatisfy { pattern, segment in
                pattern.hasPrefix("{") || pattern == segment
            }
            if matches { methods += route.methods }
        }
        return methods
    }
}
