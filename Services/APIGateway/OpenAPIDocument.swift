import HTTPTypes
import Hummingbird
import NIOCore

/// The OpenAPI 3.1 description of the API (`Resources/openapi.yaml`, embedded in the
/// executable), served at `GET /openapi.yaml`.
struct OpenAPIDocument: Sendable {
    static let route = ("/openapi.yaml", [HTTPRequest.Method.get])

    func add<Context: RequestContext>(to router: Router<Context>) {
        let document = ByteBuffer(bytes: PackageResources.openapi_yaml)
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: document))
        }
    }
}
