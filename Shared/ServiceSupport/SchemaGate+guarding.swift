import ServiceLifecycle

extension SchemaGate {
    /// `service`, started only once the schema is current: for work that reads or writes
    /// tables (consumers' handlers, the outbox relay).
    public func guarding(_ service: any Service) -> any Service {
        GatedService(gate: self, service: service)
    }
}

/// Runs a service after its ``SchemaGate`` opens; ends quietly if shutdown comes first.
struct GatedService: Service {
    let gate: SchemaGate
    let service: any Service

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await gate.waitUntilReady() }
        } catch is CancellationError {
            return
        }
        try await service.run()
    }
}
