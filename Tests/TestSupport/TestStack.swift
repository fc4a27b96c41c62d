import Foundation

/// The private servers of `deploy/local/stack.sh` as `deploy/test.sh` exports them
/// (`stack.sh env`). A variable that is missing is a test failure, never a skip: these
/// tests exist to run against real servers.
public struct TestStack {
    public let environment = ProcessInfo.processInfo.environment

    public init() {}

    public func require(_ name: String) throws -> String {
        guard let value = environment[name], !value.isEmpty else {
            throw EndToEndError(
                "\(name) is not set: run the tests with deploy/test.sh, or export the output of deploy/local/stack.sh env")
        }
        return value
    }

    /// The AMQP URL of a service's own broker user.
    public func amqpURL(for service: String) throws -> String {
        try require("CONVEYOR_LOCAL_AMQP_URL_" + Self.suffix(service))
    }

    /// The PostgreSQL URL of a service's own database role.
    public func postgresURL(for service: String) throws -> String {
        try require("CONVEYOR_LOCAL_POSTGRES_URL_" + Self.suffix(service))
    }

    /// The owner role's URL: migrations run with it.
    public func ownerPostgresURL() throws -> String {
        try require("CONVEYOR_TEST_POSTGRES_URL")
    }

    public static func suffix(_ service: String) -> String {
        service.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}

extension TestStack {
    /// Runs `$CONVEYOR_TEST_STACK action` (e.g. `restart-broker`, `stop-db`) and waits at most
    /// two minutes for it to succeed.
    public static func run(_ action: String) async throws {
        guard let command = ProcessInfo.processInfo.environment["CONVEYOR_TEST_STACK"], !command.isEmpty else {
            throw EndToEndError(
                "CONVEYOR_TEST_STACK is not set: the outage tests need deploy/local/stack.sh (run them with deploy/test.sh)")
        }
        // posix_spawn and waitpid rather than Foundation.Process: on Linux, Process reports
        // termination only when every inheritor of its internal descriptor has exited, and
        // `start-db` leaves a server running that inherits it.
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(command), strdup(action), nil]
        defer { arguments.forEach { free($0) } }
        // The calling thread is one of the concurrency runtime's, which block signals: the
        // script, and the servers it starts, get every signal unblocked and handled by default.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command, nil, &attributes, arguments, environ)
        guard spawned == 0 else {
            throw EndToEndError("cannot run \(command) \(action): \(String(cString: strerror(spawned)))")
        }
        let deadline = ContinuousClock.now + .seconds(120)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            guard ContinuousClock.now < deadline else {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw EndToEndError("\(command) \(action) did not finish within 120 s")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        // WIFEXITED and WEXITSTATUS are macros Swift cannot import.
        let exitCode = (status >> 8) & 0xFF
        guard status & 0x7F == 0, exitCode == 0 else {
            throw EndToEndError("\(command) \(action) failed (wait status \(status))")
        }
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes.
    public static func eventually(within timeout: Duration, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }
}
