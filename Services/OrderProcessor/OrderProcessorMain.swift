import Foundation
import ServiceSupport

@main
struct OrderProcessorMain {
    static func main() async throws {
        let configuration: OrderProcessorConfiguration
        do {
            configuration = try OrderProcessorConfiguration(environment: ProcessInfo.processInfo.environment)
        } catch {
            ConfigurationFailure.exit(error, service: OrderProcessorConfiguration.service)
        }
        configuration.logging.bootstrap(service: OrderProcessorConfiguration.service)
        let registry = MetricsBootstrap.prometheus()
        try await OrderProcessor.run(configuration: configuration, registry: registry)
    }
}
