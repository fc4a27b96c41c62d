import Logging
import ServiceLifecycle
import Storage
import Synchronization

/// A `Service` that prepares the database schema at start-up (``SchemaStartup``) and then lets
/// the work that needs it begin: consumers call ``waitUntilReady()`` before taking messages,
/// and `/readyz` reports `schema` until it is done.
///
/// When preparation fails (an inconsistent migration history, or the start-up timeout),
/// ``run()`` throws and the service group shuts the process down.
public final class SchemaGate: Service, Sendable {
    private enum State {
        case preparing([CheckedContinuation<Void, any Error>])
        case ready
        case failed(any Error)
    }

    private let startup: SchemaStartup
    private let pool: PostgresPool
    private let state = Mutex(State.preparing([]))

    public init(startup: SchemaStartup, pool: PostgresPool) {
        self.startup = startup
        self.pool = pool
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.startup.prepare(using: self.pool)
            }
            resolve(nil)
        } catch {
            resolve(error)
            throw error
        }
        try? await gracefulShutdown()
    }

    /// Returns once the schema is current; throws if preparing it failed.
    public func waitUntilReady() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, any Error>? = state.withLock { state in
                switch state {
                case .preparing(var waiters):
                    waiters.append(continuation)
                    state = .preparing(waiters)
                    return nil
                case .ready:
                    return .success(())
                case .failed(let error):
                    return .failure(error)
                }
            }
            if let outcome {
                continuation.resume(with: outcome)
            }
        }
    }

    /// `schema`: ready once the migrations are in place.
    public var readinessCheck: ReadinessCheck {
        ReadinessCheck("schema") { [self] in
            self.state.withLock { state in
                switch state {
                case .preparing: "migrations not applied yet"
                case .ready: nil
                case .failed(let error): "\(error)"
                }
            }
        }
    }

    private func resolve(_ error: (any Error)?) {
        let waiters = state.withLock { state in
            guard case .preparing(let waiters) = state else { return [CheckedContinuation<Void, any Error>]() }
            state = error.map { .failed($0) } ?? .ready
            return waiters
        }
        for waiter in waiters {
            if let error {
                waiter.resume(throwing: error)
            } else {
                waiter.resume()
            }
        }
    }
}
