/// Where and how to connect to RabbitMQ.
///
/// Usually built from a URL with ``init(url:)``:
/// `amqp://user:password@host:port/vhost?heartbeat=10&connection_timeout=10000`, or
/// `amqps://…` for TLS. See ``init(url:)`` for the accepted query options.
///
/// The password never appears in ``description``.
public struct AMQPConfiguration: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var virtualHost: String
    public var user: String
    public var password: String
    /// TLS settings; `nil` for plain TCP.
    public var tls: TLS?
    /// The heartbeat interval proposed to the broker (the smaller of both sides wins);
    /// `.zero` asks for none. Default 10 s.
    public var heartbeat: Duration
    /// Limit for the TCP connect and for the AMQP handshake. Default 10 s.
    public var connectionTimeout: Duration
    /// Limit for each synchronous request on an open connection (declarations, consume, close).
    /// Default 30 s.
    public var requestTimeout: Duration

    public init(
        host: String = "localhost",
        port: Int? = nil,
        virtualHost: String = "/",
        user: String = "guest",
        password: String = "guest",
        tls: TLS? = nil,
        heartbeat: Duration = .seconds(10),
        connectionTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port ?? (tls == nil ? 5672 : 5671)
        self.virtualHost = virtualHost
        self.user = user
        self.password = password
        self.tls = tls
        self.heartbeat = heartbeat
        self.connectionTimeout = connectionTimeout
        self.requestTimeout = requestTimeout
    }

    /// The URL without the password, for logs.
    public var description: String {
        let scheme = tls == nil ? "amqp" : "amqps"
        let vhost = virtualHost == "/" ? "%2F" : virtualHost
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(user)@\(hostPart):\(port)/\(vhost)"
    }
}
