extension Topology {
    /// Declares this topology once, on a connection of its own: for set-up tools and tests.
    /// (``Publisher`` and ``Consumer`` declare theirs on every connect.)
    public func declare(using configuration: AMQPConfiguration, connectionName: String = "conveyor topology") async throws {
        try await TopologyConnection().declare(self, configuration: configuration, connectionName: connectionName)
    }

    /// Deletes this topology's queues (with their messages) and exchanges, on a connection of
    /// its own. Deleting what does not exist succeeds.
    public func delete(using configuration: AMQPConfiguration, connectionName: String = "conveyor topology") async throws {
        try await TopologyConnection().delete(self, configuration: configuration, connectionName: connectionName)
    }
}
