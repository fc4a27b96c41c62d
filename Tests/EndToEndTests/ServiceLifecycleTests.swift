import Foundation
import Testing

/// Each executable validates its configuration, connects, serves its ops endpoints and shuts
/// down cleanly on SIGTERM: run for real against the private servers of deploy/local.
@Suite(.serialized) struct ServiceLifecycleTests {
    struct Executable: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        /// The variable naming its HTTP port (the ops port for workers).
        var portVariable: String
        var testDescription: String { name }
    }

    static let executables = [
        Executable(name: "api-gateway", arguments: [], portVariable: "HTTP_PORT"),
        Executable(name: "order-processor", arguments: [], portVariable: "OPS_PORT"),
        Executable(name: "notifier", arguments: [], portVariable: "OPS_PORT"),
        Executable(name: "dlq-replayer", arguments: ["serve"], portVariable: "OPS_PORT"),
    ]

    private func environment(for executable: Executable, port: Int) throws -> [String: String] {
        let stack = TestStack()
        return [
            "AMQP_URL": try stack.amqpURL(for: executable.name),
            "DATABASE_URL": try stack.postgresURL(for: executable.name),
            "DATABASE_MIGRATION_URL": try stack.ownerPostgresURL(),
            executable.portVariable: "\(port)",
            "LOG_LEVEL": "debug",
        ]
    }

    @Test(arguments: executables)
    func missingConfigurationExitsWithStatus2NamingEachVariable(executable: Executable) async throws {
        let process = try ServiceProcess(
            executable.name, arguments: executable.arguments, environment: [executable.portVariable: "not-a-port"])
        try process.start()
        let status = try await process.waitForExit(timeout: .seconds(20))
        #expect(status == 2, "\(process.logTail)")
        let errors = process.standardError
        #expect(errors.contains("AMQP_URL is required"), "\(errors)")
        #expect(errors.contains("DATABASE_URL is required"), "\(errors)")
        #expect(errors.contains("\(executable.portVariable) must be an integer from 0 to 65535, not 'not-a-port'"), "\(errors)")
    }

    @Test(arguments: executables)
    func startsServesOpsEndpointsAndStopsOnSIGTERM(executable: Executable) async throws {
        let port = try FreePort.next()
        let process = try ServiceProcess(
            executable.name, arguments: executable.arguments, environment: try environment(for: executable, port: port))
        try process.start()
        let base = "http://127.0.0.1:\(port)"
        do {
            try await HTTPProbe.waitFor("\(base)/healthz", timeout: .seconds(30), service: process)
            try await HTTPProbe.waitFor("\(base)/readyz", timeout: .seconds(60), service: process)
            let ready = try await HTTPProbe.get("\(base)/readyz")
            #expect(ready.text == #"{"status":"ready","checks":{"schema":"ok","database":"ok","amqp":"ok"}}"#)
            let metrics = try await HTTPProbe.get("\(base)/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("process_resident_memory_bytes"))
        } catch {
            _ = try await process.terminate()
            throw error
        }

        let status = try await process.terminate(timeout: .seconds(20))
        #expect(status == 0, "exit status after SIGTERM\n\(process.logTail)")

        let lines = process.standardOutput.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["service"] as? String == executable.name, "not a JSON log line: \(line)")
        }
    }
}
