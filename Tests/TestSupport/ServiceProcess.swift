import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One of Conveyor's built executables, started as a child process for an end-to-end test.
///
/// Its standard output and error go to files in a temporary directory, so a failing test can
/// print the service's own logs.
public final class ServiceProcess {
    public let name: String
    public let process = Process()
    public let outputURL: URL
    public let errorURL: URL

    /// Where `swift build` put the executables: `CONVEYOR_BIN_DIR`, or the directory holding
    /// the test bundle (`.build/debug`).
    public static var binaryDirectory: URL {
        if let directory = ProcessInfo.processInfo.environment["CONVEYOR_BIN_DIR"] {
            return URL(fileURLWithPath: directory)
        }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" && !url.lastPathComponent.hasSuffix(".xctest") {
            url.deleteLastPathComponent()
        }
        return url.deletingLastPathComponent()
    }

    public init(_ executable: String, arguments: [String] = [], environment: [String: String]) throws {
        name = executable
        let binary = Self.binaryDirectory.appendingPathComponent(executable)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw EndToEndError("\(binary.path) is not an executable: build the package first (swift build)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("conveyor-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        outputURL = directory.appendingPathComponent("\(executable).out")
        errorURL = directory.appendingPathComponent("\(executable).err")
        for url in [outputURL, errorURL] where !FileManager.default.createFile(atPath: url.path, contents: nil) {
            throw EndToEndError("cannot create \(url.path) for \(executable)'s output")
        }
        process.executableURL = binary
        process.arguments = arguments
        var inherited = ProcessInfo.processInfo.environment.filter { key, _ in ["PATH", "HOME", "LANG", "TZ"].contains(key) }
        inherited.merge(environment) { _, new in new }
        process.environment = inherited
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.standardInput = FileHandle.nullDevice
    }

    public func start() throws {
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }

    public var standardOutput: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }
    public var standardError: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }

    /// The last lines of both streams, for failure messages.
    public var logTail: String {
        let lines = (standardOutput + standardError).split(separator: "\n", omittingEmptySubsequences: true)
        return "--- \(name) (last lines) ---\n" + lines.suffix(40).joined(separator: "\n")
    }

    /// Waits for the process to exit by itself, up to `timeout`; returns its status, or nil if it
    /// is still running.
    public func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// Sends SIGTERM and waits up to `timeout` for a graceful exit; kills it if it does not
    /// exit by then. Returns the exit status, or nil when it had to be killed.
    @discardableResult
    public func terminate(timeout: Duration = .seconds(15)) async throws -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        if let status = try await waitForExit(timeout: timeout) {
            return status
        }
        kill(process.processIdentifier, SIGKILL)
        _ = try await waitForExit(timeout: .seconds(5))
        return nil
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }
}

public struct EndToEndError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
