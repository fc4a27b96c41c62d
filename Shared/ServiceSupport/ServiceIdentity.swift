#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Which service this process is and which replica: names AMQP connections (shown in the
/// RabbitMQ management UI), log lines and the `source` of the events it emits.
public struct ServiceIdentity: Sendable {
    /// The service's name, e.g. `order-processor`.
    public var service: String
    /// This replica: the host name (a container id under Docker) and process id.
    public var instance: String

    public init(service: String, instance: String = ServiceIdentity.defaultInstance()) {
        self.service = service
        self.instance = instance
    }

    /// A connection name such as `order-processor publisher 3f2a9c1b-4711`.
    public func connectionName(_ role: String) -> String {
        "\(service) \(role) \(instance)"
    }

    /// Who did something, as an order's history records it: `order-processor@3f2a9c1b-4711`.
    public var actor: String {
        "\(service)@\(instance)"
    }

    public static func defaultInstance() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        return "\(host)-\(ProcessInfo.processInfo.processIdentifier)"
    }
}
