import Messaging
import Testing

@Suite struct AMQPConfigurationTests {
    @Test func parsesAFullURL() throws {
        let configuration = try AMQPConfiguration(
            url: "amqp://conveyor-admin:s%40cret%2Fx@rabbit.internal:5692/conveyor?heartbeat=5&connection_timeout=2500"
        )
        #expect(configuration.host == "rabbit.internal")
        #expect(configuration.port == 5692)
        #expect(configuration.user == "conveyor-admin")
        #expect(configuration.password == "s@cret/x")
        #expect(configuration.virtualHost == "conveyor")
        #expect(configuration.heartbeat == .seconds(5))
        #expect(configuration.connectionTimeout == .milliseconds(2500))
        #expect(configuration.tls == nil)
    }

    @Test func appliesDefaults() throws {
        let configuration = try AMQPConfiguration(url: "amqp://localhost")
        #expect(configuration.port == 5672)
        #expect(configuration.virtualHost == "/")
        #expect(configuration.user == "guest")
        #expect(configuration.password == "guest")
        #expect(configuration.heartbeat == .seconds(10))
        #expect(try AMQPConfiguration(url: "amqp://localhost/").virtualHost == "/")
    }

    @Test func decodesTheDefaultVirtualHost() throws {
        #expect(try AMQPConfiguration(url: "amqp://h/%2F").virtualHost == "/")
        #expect(try AMQPConfiguration(url: "amqp://h/%2Fteam%20a").virtualHost == "/team a")
    }

    @Test func amqpsVerifiesPeerAndHostnameByDefault() throws {
        let configuration = try AMQPConfiguration(url: "amqps://u:p@broker/v?cacertfile=/etc/ca.pem&certfile=/c.pem&keyfile=/k.pem")
        #expect(configuration.port == 5671)
        let tls = try #require(configuration.tls)
        #expect(tls.verifyPeer && tls.verifyHostname)
        #expect(tls.caCertificateFile == "/etc/ca.pem")
        #expect(tls.certificateFile == "/c.pem")
        #expect(tls.keyFile == "/k.pem")
        let unverified = try AMQPConfiguration(url: "amqps://broker?verify=verify_none")
        #expect(unverified.tls?.verifyPeer == false && unverified.tls?.verifyHostname == false)
    }

    @Test(arguments: [
        "http://localhost",
        "amqp://",
        "amqp://localhost:70000",
        "amqp://localhost/a/b",
        "amqp://localhost?heartbeat=soon",
        "amqp://localhost?connection_timeout=0",
        "amqp://localhost?cacertfile=/ca.pem",
        "amqps://localhost?verify=maybe",
        "amqps://localhost?certfile=/c.pem",
        "amqp://localhost?hearbeat=5",
        "not a url",
    ])
    func rejectsBadURLs(url: String) {
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: url) }
    }

    @Test func neverShowsThePassword() throws {
        let configuration = try AMQPConfiguration(url: "amqp://user:topsecret@host:5692/vh")
        #expect(!configuration.description.contains("topsecret"))
        #expect(configuration.description == "amqp://user@host:5692/vh")
        do {
            _ = try AMQPConfiguration(url: "amqp://user:topsecret@host:99999/vh")
            Issue.record("an out-of-range port was accepted")
        } catch {
            #expect(!"\(error)".contains("topsecret"))
        }
        do {
            _ = try AMQPConfiguration(url: "ftp://user:topsecret@host/vh")
            Issue.record("an ftp URL was accepted")
        } catch {
            #expect(!"\(error)".contains("topsecret"))
        }
    }
}
