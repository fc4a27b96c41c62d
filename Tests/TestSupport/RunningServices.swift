import Logging
import ServiceLifecycle

/// Runs `services` in the background while `body` runs, then shuts them down gracefully in
/// reverse order (like a `ServiceGroup`) and waits for them, at most `shutdownTimeout`; when
/// `body` throws, cancels them instead.
public func withServices<T: Sendable>(
    _ services: [any Service],
    logger: Logger,
    shutdownTimeout: Duration = .seconds(20),
    _ body: () async throws -> T
) async throws -> T {
    let group = ServiceGroup(
        configuration: ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [],
            logger: logger
        )
    )
    let running = Task { try await group.run() }
    do {
        let result = try await body()
        await group.triggerGracefulShutdown()
        try await within(shutdownTimeout, "services shut down") { try await running.value }
        return result
    } catch {
        running.cancel()
        _ = try? await within(shutdownTimeout, "services stop after failure") { try await running.value }
        throw error
    }
}

public struct TimedOut: Error, CustomStringConvertible {
    public let description: String
}

/// Runs `operation`, failing with ``TimedOut`` when it takes longer than `limit`.
public func within<T: Sendable>(
    _ limit: Duration, _ what: String, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TimedOut(description: "\(what): no result within \(limit)")
        }
        return value
    }
}
