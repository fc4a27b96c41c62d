import Hummingbird
import Logging

/// Where a worker serves its ops endpoints.
///
/// - `OPS_HOST`: address to bind; default `127.0.0.1` (`0.0.0.0` in containers).
/// - `OPS_PORT`: port; default `9090`. `0` picks a free port (tests).
public struct OpsConfiguration: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 9090) {
        self.host = host
        self.port = port
    }

    public init(reader: inout ConfigurationReader, defaultPort: Int = 9090) {
        host = reader.string("OPS_HOST", default: "127.0.0.1")
        port = reader.int("OPS_PORT", default: defaultPort, range: 0...65535)
    }
}

/// The HTTP server a worker (a service without an API of its own) runs for `/healthz`,
/// `/readyz` and `/metrics`. It is a `Service`: put it in the process's `ServiceGroup`.
public enum OpsServer {
    public static func application(
        configuration: OpsConfiguration, routes: OpsRoutes, serverName: String, logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router()
        routes.add(to: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
            logger: logger)
    }
}
