import Foundation
import ServiceSupport

@main
struct NotifierMain {
    static func main() async throws {
        let configuration: NotifierConfiguration
        do {
            configuration = try NotifierConfiguration(environment: ProcessInfo.processInfo.environment)
        } catch {
            ConfigurationFailure.exit(error, service: NotifierConfiguration.service)
        }
        configuration.logging.bootstrap(service: NotifierConfiguration.service)
        let registry = MetricsBootstrap.prometheus()
        try await Notifier.run(configuration: configuration, registry: registry)
    }
}
