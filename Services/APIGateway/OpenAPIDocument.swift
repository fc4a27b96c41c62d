import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The OpenAPI 3.1 description of the API (`openapi.yaml`, a resource of this target), served
/// at `GET /openapi.yaml`.
struct OpenAPIDocument: Sendable {
    static let route = ("/openapi.yaml", [HTTPRequest.Method.get])

    /// The document's text.
    static func text() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    func add<Context: RequestContext>(to router: Router<Context>) {
        let document = Result { try Self.text() }
        router.get("/openapi.yaml") { _, _ in
            let text = try document.get()
            return Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
