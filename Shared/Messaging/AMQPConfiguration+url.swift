#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ConveyorRuntime

extension AMQPConfiguration {
    /// Parses an AMQP URI (https://www.rabbitmq.com/docs/uri-spec).
    ///
    /// - `amqp://` (port 5672) or `amqps://` (port 5671, TLS with peer and host name verification).
    /// - User and password are percent-decoded; absent means `guest`/`guest`.
    /// - The path is the virtual host, percent-decoded: `/conveyor` → `conveyor`, `/%2F` → `/`;
    ///   an empty path means `/`.
    /// - Query options (https://www.rabbitmq.com/docs/uri-query-parameters):
    ///   `heartbeat` (seconds, integer, default 10; 0 disables),
    ///   `connection_timeout` (milliseconds, default 10000),
    ///   `cacertfile`, `certfile`, `keyfile` (PEM paths, `amqps` only),
    ///   `verify` (`verify_peer`, the default, or `verify_none`, `amqps` only).
    ///   Any other option is an error, so a typo does not go unnoticed.
    ///
    /// - Throws: ``AMQPError/invalidConfiguration(_:)`` naming what is wrong (never the password).
    public init(url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw AMQPError.invalidConfiguration("not a URL: \(Self.redacted(url))")
        }
        let secure: Bool
        switch scheme {
        case "amqp": secure = false
        case "amqps": secure = true
        default: throw AMQPError.invalidConfiguration("scheme must be amqp or amqps, not '\(scheme)'")
        }
        guard let host = components.host, !host.isEmpty else {
            throw AMQPError.invalidConfiguration("no host in \(Self.redacted(url))")
        }
        let port = components.port ?? (secure ? 5671 : 5672)
        guard (1...65535).contains(port) else {
            throw AMQPError.invalidConfiguration("port \(port) is out of range")
        }
        let user = try Self.decoded(components.percentEncodedUser, field: "user") ?? "guest"
        let password = try Self.decoded(components.percentEncodedPassword, field: "password") ?? "guest"

        var path = components.percentEncodedPath
        if path.hasPrefix("/") { path.removeFirst() }
        if path.contains("/") {
            throw AMQPError.invalidConfiguration("virtual host '\(path)' contains '/': encode it as %2F")
        }
        let virtualHost = path.isEmpty ? "/" : (try Self.decoded(path, field: "virtual host") ?? "/")

        var tls = secure ? TLS() : nil
        var heartbeat = Duration.seconds(10)
        var connectionTimeout = Duration.seconds(10)
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "heartbeat":
                guard let seconds = Int(value), seconds >= 0, seconds <= 65535 else {
                    throw AMQPError.invalidConfiguration("heartbeat must be whole seconds (0–65535), not '\(value)'")
                }
                heartbeat = .seconds(seconds)
            case "connection_timeout":
                guard let milliseconds = Int(value), milliseconds > 0 else {
                    throw AMQPError.invalidConfiguration("connection_timeout must be positive milliseconds, not '\(value)'")
                }
                connectionTimeout = .milliseconds(milliseconds)
            case "cacertfile", "certfile", "keyfile", "verify":
                guard tls != nil else {
                    throw AMQPError.invalidConfiguration("\(item.name) needs an amqps URL")
                }
                guard !value.isEmpty else {
                    throw AMQPError.invalidConfiguration("\(item.name) is empty")
                }
                switch item.name {
                case "cacertfile": tls?.caCertificateFile = value
                case "certfile": tls?.certificateFile = value
                case "keyfile": tls?.keyFile = value
                default:
                    switch value {
                    case "verify_peer":
                        tls?.verifyPeer = true
                        tls?.verifyHostname = true
                    case "verify_none":
                        tls?.verifyPeer = false
                        tls?.verifyHostname = false
                    default:
                        throw AMQPError.invalidConfiguration("verify must be verify_peer or verify_none, not '\(value)'")
                    }
                }
            default:
                throw AMQPError.invalidConfiguration("unknown URL option '\(item.name)'")
            }
        }
        if let tls, (tls.certificateFile == nil) != (tls.keyFile == nil) {
            throw AMQPError.invalidConfiguration("certfile and keyfile go together")
        }
        self.init(
            host: host,
            port: port,
            virtualHost: virtualHost,
            user: user,
            password: password,
            tls: tls,
            heartbeat: heartbeat,
            connectionTimeout: connectionTimeout
        )
    }

    private static func decoded(_ encoded: String?, field: String) throws -> String? {
        guard let encoded else { return nil }
        guard let decoded = encoded.percentDecoded() else {
            throw AMQPError.invalidConfiguration("\(field) has invalid percent-encoding")
        }
        return decoded
    }

    /// The URL with any password replaced, for error messages.
    private static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://"), let at = url[schemeEnd.upperBound...].firstIndex(of: "@") else {
            return url
        }
        let credentials = url[schemeEnd.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        var redacted = url
        redacted.replaceSubrange(colon..<at, with: ":***")
        return redacted
    }
}
