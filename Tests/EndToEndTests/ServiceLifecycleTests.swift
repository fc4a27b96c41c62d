import Foundation
import Testing
import TestSupport

/// Each executable validates its configuration, connects, serves its ops endpoints and shuts
/// down cleanly on SIGTERM: run for real against the private servers of deploy/local.
extension EndToEnd {
@Suite struct ServiceLifecycleTests {
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
        let pipeline = try await Pipeline.start([])
        do {
            try await startAndStop(executable, pipeline: pipeline)
        } catch {
            await pipeline.stop()
            throw error
        }
        await pipeline.stop()
    }

    private func startAndStop(_ executable: Executable, pipeline: Pipeline) async throws {
        var environment = try pipeline.environment(for: executable.name)
        environment["DATABASE_MIGRATION_URL"] = try pipeline.stack.ownerPostgresURL()
        let port = Int(environment[executable.portVariable] ?? "") ?? 0
        let process = try ServiceProcess(executable.name, arguments: executable.arguments, environment: environment)
        try process.start()
        let base = "http://127.0.0.1:\(port)"
        do {
            try await HTTPProbe.waitFor("\(base)/healthz", timeout: .seconds(30), service: process)
            try await HTTPProbe.waitFor("\(base)/readyz", timeout: .seconds(60), service: process)
            let ready = try await HTTPProbe.get("\(base)/readyz")
            #expect(ready.text.hasPrefix(#"{"status":"ready","checks":{"schema":"ok","database":"ok","amqp":"ok""#), "\(ready.text)")
            let metrics = try await HTTPProbe.get("\(base)/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("process_resident_memory_bytes"))
        } catch {
            try await process.terminate()
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
}
