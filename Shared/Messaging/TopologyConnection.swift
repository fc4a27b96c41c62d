import ConveyorRuntime

/// A short-lived connection on its own thread for one declaration or deletion.
actor TopologyConnection {
    private let executor = DedicatedThreadExecutor(name: "amqp-topology")
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    deinit {
        executor.shutdown()
    }

    func declare(_ topology: Topology, configuration: AMQPConfiguration, connectionName: String) throws {
        let connection = try AMQPConnection.open(configuration: configuration, connectionName: connectionName)
        defer { connection.close(politely: true) }
        try connection.declare(topology)
    }

    func delete(_ topology: Topology, configuration: AMQPConfiguration, connectionName: String) throws {
        let connection = try AMQPConnection.open(configuration: configuration, connectionName: connectionName)
        defer { connection.close(politely: true) }
        try connection.delete(topology)
    }
}
