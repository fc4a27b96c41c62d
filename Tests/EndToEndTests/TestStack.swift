import Foundation

/// The private servers of `deploy/local/stack.sh` as `deploy/test.sh` exports them
/// (`stack.sh env`). A variable that is missing is a test failure, never a skip: these
/// tests exist to run against real servers.
struct TestStack {
    let environment = ProcessInfo.processInfo.environment

    func require(_ name: String) throws -> String {
        guard let value = environment[name], !value.isEmpty else {
            throw EndToEndError(
                "\(name) is not set: run the tests with deploy/test.sh, or export the output of deploy/local/stack.sh env")
        }
        return value
    }

    /// The AMQP URL of a service's own broker user.
    func amqpURL(for service: String) throws -> String {
        try require("CONVEYOR_LOCAL_AMQP_URL_" + Self.suffix(service))
    }

    /// The PostgreSQL URL of a service's own database role.
    func postgresURL(for service: String) throws -> String {
        try require("CONVEYOR_LOCAL_POSTGRES_URL_" + Self.suffix(service))
    }

    /// The owner role's URL: migrations run with it.
    func ownerPostgresURL() throws -> String {
        try require("CONVEYOR_TEST_POSTGRES_URL")
    }

    static func suffix(_ service: String) -> String {
        service.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
