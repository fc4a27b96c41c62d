import HTTPTypes
import Hummingbird
import NIOCore
import Orders

/// An RFC 9457 problem document (`application/problem+json`), with the field errors of a
/// request that failed validation.
struct Problem: Error, Sendable, Encodable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var instance: String?
    var errors: [FieldError]?
    /// The order's current status, when the problem is about it (a cancel that came too late).
    var currentStatus: OrderStatus?
    /// Extra response headers, e.g. `Retry-After` or `Allow`; not part of the document.
    var headers: HTTPFields = [:]

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance, errors, currentStatus
    }

    init(
        _ status: HTTPResponse.Status, type: String = "about:blank", title: String? = nil, detail: String? = nil,
        errors: [FieldError]? = nil, currentStatus: OrderStatus? = nil, headers: HTTPFields = [:]
    ) {
        self.type = type
        self.title = title ?? status.reasonPhrase
        self.status = status.code
        self.detail = detail
        self.errors = errors
        self.currentStatus = currentStatus
        self.headers = headers
    }

    func response(instance path: String) -> Response {
        var document = self
        document.instance = path
        let body = (try? Timestamp.jsonEncoder().encode(document)).map { ByteBuffer(bytes: $0) } ?? ByteBuffer()
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: body))
    }
}

extension Problem {
    static func validation(_ failure: ValidationFailure) -> Problem {
        Problem(
            .unprocessableContent, type: "urn:conveyor:problem:validation-failed", title: "The request is not valid",
            detail: "\(failure.errors.count) field(s) failed validation", errors: failure.errors)
    }

    static func malformedJSON(_ detail: String) -> Problem {
        Problem(.badRequest, type: "urn:conveyor:problem:malformed-json", title: "The body is not valid JSON", detail: detail)
    }

    static func orderNotFound(_ id: String) -> Problem {
        Problem(.notFound, type: "urn:conveyor:problem:order-not-found", title: "No such order", detail: "there is no order \(id)")
    }

    static func databaseUnavailable() -> Problem {
        Problem(
            .serviceUnavailable, type: "urn:conveyor:problem:database-unavailable", title: "The database is unavailable",
            detail: "try again shortly", headers: [.retryAfter: "5"])
    }
}
