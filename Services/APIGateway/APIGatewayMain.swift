import Foundation
import ServiceSupport

@main
struct APIGatewayMain {
    static func main() async throws {
        let configuration: APIGatewayConfiguration
        do {
            configuration = try APIGatewayConfiguration(environment: ProcessInfo.processInfo.environment)
        } catch {
            ConfigurationFailure.exit(error, service: APIGatewayConfiguration.service)
        }
        configuration.logging.bootstrap(service: APIGatewayConfiguration.service)
        let registry = MetricsBootstrap.prometheus()
        try await APIGateway.run(configuration: configuration, registry: registry)
    }
}
