import Foundation
import Messaging
import Testing
import TestSupport

/// amqps:// against the local stack's TLS listener (deploy/local/stack.sh makes its
/// certificates): `CONVEYOR_TEST_AMQPS_URL` trusts the stack's CA; `CONVEYOR_TEST_TLS_OTHER_CA`
/// is an authority the server's certificate does not come from.
extension BrokerIntegrationTests {
    @Suite struct TLSTests {
        static func tlsURL() throws -> String {
            guard let url = ProcessInfo.processInfo.environment["CONVEYOR_TEST_AMQPS_URL"], !url.isEmpty else {
                throw TestBroker.MissingEnvironment(
                    description: "CONVEYOR_TEST_AMQPS_URL is not set: the TLS tests need the local stack's TLS listener "
                        + "(eval \"$(deploy/local/stack.sh env)\")")
            }
            return url
        }

        static func otherCA() throws -> String {
            guard let path = ProcessInfo.processInfo.environment["CONVEYOR_TEST_TLS_OTHER_CA"], !path.isEmpty else {
                throw TestBroker.MissingEnvironment(description: "CONVEYOR_TEST_TLS_OTHER_CA is not set")
            }
            return path
        }

        /// The TLS URL with `cacertfile` (and `verify`) replaced.
        static func tlsURL(trusting caFile: String, verify: String? = nil) throws -> String {
            var components = try #require(URLComponents(string: try tlsURL()))
            components.queryItems = [URLQueryItem(name: "cacertfile", value: caFile)] + (verify.map { [URLQueryItem(name: "verify", value: $0)] } ?? [])
            return try #require(components.string)
        }

        @Test func aPublishOverTLSIsConfirmedAndConsumed() async throws {
            var tls = try AMQPConfiguration(url: try Self.tlsURL())
            tls.connectionTimeout = .seconds(5)
            #expect(tls.tls != nil)
            let plain = try TestBroker.configuration()
            let name = TestBroker.uniqueName("tls")
            let (topology, exchange, queue) = TestBroker.workTopology(name, routingKey: "tls")
            // Declared over TLS, published over TLS with confirms, consumed over plain AMQP.
            try await TestBroker.withTopology(topology, configuration: tls) {
                let publisher = Publisher(
                    configuration: tls, connectionName: "\(name) publisher", topology: topology, logger: TestBroker.logger("test.publisher"))
                let consumer = Consumer(
                    configuration: plain, connectionName: "\(name) consumer", queue: queue, topology: topology,
                    logger: TestBroker.logger("test.consumer"))
                try await TestBroker.withServices([publisher, consumer]) {
                    try await within(.seconds(20), "a publish over TLS") {
                        try await publisher.publish(Message(body: Array("over tls".utf8), messageID: name), exchange: exchange, routingKey: "tls")
                    }
                    let delivery = await firstDelivery(of: consumer, within: .seconds(20))
                    #expect(delivery?.message.body == Array("over tls".utf8))
                    #expect(delivery?.message.messageID == name)
                }
            }
        }

        @Test func aServerCertificateFromAnotherAuthorityIsRefused() async throws {
            var configuration = try AMQPConfiguration(url: try Self.tlsURL(trusting: try Self.otherCA()))
            configuration.connectionTimeout = .seconds(5)
            let topology = Topology(queues: [Topology.Queue(name: TestBroker.uniqueName("untrusted"), kind: .classic)])
            let error = await #expect(throws: AMQPError.self) {
                try await topology.declare(using: configuration)
            }
            #expect("\(String(describing: error))".contains("SSL"), "not a TLS failure: \(String(describing: error))")
        }

        @Test func verifyNoneConnectsWithoutCheckingTheCertificate() async throws {
            var configuration = try AMQPConfiguration(url: try Self.tlsURL(trusting: try Self.otherCA(), verify: "verify_none"))
            configuration.connectionTimeout = .seconds(5)
            let topology = Topology(queues: [Topology.Queue(name: TestBroker.uniqueName("unverified"), kind: .classic)])
            try await topology.declare(using: configuration)
            try await topology.delete(using: configuration)
        }
    }
}
