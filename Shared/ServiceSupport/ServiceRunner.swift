import Logging
import ServiceLifecycle

/// Runs a process's services in one `ServiceGroup` until SIGTERM or SIGINT, then shuts them
/// down gracefully in reverse order. An ``IdleMemoryTrimmer`` runs alongside them.
public enum ServiceRunner {
    public static func run(_ services: [any Service], logger: Logger) async throws {
        let all: [any Service] = [IdleMemoryTrimmer(logger: logger)] + services
        let group = ServiceGroup(
            configuration: .init(
                services: all.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}
