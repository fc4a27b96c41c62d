#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A service's configuration, read from environment variables.
public protocol ServiceConfiguration: Sendable {
    /// The service's name: `api-gateway`, `order-processor`, …
    static var service: String { get }
    var settings: ServiceSettings { get }
    /// Reads every variable and throws one error naming all the bad ones.
    init(environment: [String: String]) throws(ConfigurationError)
}

extension ServiceConfiguration {
    /// Reads the process environment and installs the log handler; a configuration that
    /// cannot be used ends the process with status 2 and a message naming each bad variable.
    public static func load() -> Self {
        do {
            let configuration = try Self(environment: ProcessInfo.processInfo.environment)
            configuration.settings.logging.bootstrap(service: service)
            return configuration
        } catch {
            ConfigurationFailure.exit(error, service: service)
        }
    }
}
