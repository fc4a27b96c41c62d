import CRabbitMQ
import ConveyorRuntime
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One rabbitmq-c connection with one open channel.
///
/// Not thread-safe and deliberately not `Sendable`: it lives inside one actor that runs on a
/// ``DedicatedThreadExecutor``, the only code that touches the C handle. All calls block that
/// thread, never the cooperative pool.
final class AMQPConnection {
    /// The single channel Conveyor opens per connection.
    static let channel: amqp_channel_t = 1

    private var state: amqp_connection_state_t?
    /// The negotiated heartbeat interval; `.zero` when heartbeats are off.
    let heartbeat: Duration
    private var lastSent: ContinuousClock.Instant
    private var lastReceived: ContinuousClock.Instant
    /// The broker closed the connection and got its `close-ok`: only freeing remains.
    private var isClosedByBroker = false
    private var isChannelOpen = true

    private init(state: amqp_connection_state_t) {
        self.state = state
        let seconds = Int(amqp_get_heartbeat(state))
        heartbeat = .seconds(seconds)
        lastSent = .now
        lastReceived = .now
    }

    deinit {
        if let state {
            amqp_destroy_connection(state)
        }
    }

    /// Connects, logs in and opens channel 1.
    ///
    /// - Parameter connectionName: shown in the management UI (client property `connection_name`).
    static func open(configuration: AMQPConfiguration, connectionName: String) throws -> AMQPConnection {
        guard let state = amqp_new_connection() else {
            throw AMQPError.library(operation: "create connection", message: "out of memory")
        }
        var handedOver = false
        defer {
            if !handedOver { amqp_destroy_connection(state) }
        }
        let endpoint = "\(configuration.host):\(configuration.port)"
        guard let socket = configuration.tls == nil ? amqp_tcp_socket_new(state) : amqp_ssl_socket_new(state) else {
            throw AMQPError.library(operation: "create socket", message: "out of memory")
        }
        if let tls = configuration.tls {
            if let file = tls.caCertificateFile {
                try check(amqp_ssl_socket_set_cacert(socket, file), "load CA certificates from \(file)")
            }
            if let certificate = tls.certificateFile, let key = tls.keyFile {
                try check(amqp_ssl_socket_set_key(socket, certificate, key), "load client certificate \(certificate)")
            }
            amqp_ssl_socket_set_verify_peer(socket, tls.verifyPeer ? 1 : 0)
            amqp_ssl_socket_set_verify_hostname(socket, tls.verifyHostname ? 1 : 0)
        }
        var connectTimeout = timeval(configuration.connectionTimeout)
        try check(
            amqp_socket_open_noblock(socket, configuration.host, Int32(configuration.port), &connectTimeout),
            "connect to \(endpoint)"
        )
        try check(amqp_set_handshake_timeout(state, &connectTimeout), "set handshake timeout")
        var requestTimeout = timeval(configuration.requestTimeout)
        try check(amqp_set_rpc_timeout(state, &requestTimeout), "set request timeout")

        let scope = CMemoryScope()
        var clientProperties = HeaderValue.fieldTable(
            [
                "connection_name": .string(connectionName),
                "product": "Conveyor",
                "capabilities": .table([
                    "consumer_cancel_notify": true,
                    "connection.blocked": true,
                    "authentication_failure_close": true,
                ]),
            ],
            in: scope
        )
        let heartbeatSeconds = Int32(clamping: Int(configuration.heartbeat.components.seconds))
        let login = withExtendedLifetime(scope) {
            conveyor_amqp_login_plain(
                state, configuration.virtualHost, 0, 131_072, heartbeatSeconds, &clientProperties,
                configuration.user, configuration.password
            )
        }
        if let error = failure(of: login, state: state, operation: "log in to \(endpoint) vhost '\(configuration.virtualHost)' as '\(configuration.user)'") {
            throw error
        }
        amqp_channel_open(state, channel)
        if let error = failure(of: amqp_get_rpc_reply(state), state: state, operation: "open channel") {
            throw error
        }
        handedOver = true
        return AMQPConnection(state: state)
    }

    // MARK: Requests

    /// Declares exchanges, then queues, then bindings. Declaring what exists with the same
    /// settings changes nothing; different settings close the channel (`406 PRECONDITION_FAILED`).
    func declare(_ topology: Topology) throws {
        let state = try liveState()
        for exchange in topology.exchanges {
            let scope = CMemoryScope()
            withExtendedLifetime(scope) {
                _ = amqp_exchange_declare(
                    state, Self.channel, scope.bytes(exchange.name), scope.bytes(exchange.kind.rawValue),
                    0, exchange.durable ? 1 : 0, 0, 0, HeaderValue.fieldTable(exchange.arguments, in: scope)
                )
            }
            try checkReply("declare exchange '\(exchange.name)'")
        }
        for queue in topology.queues {
            let scope = CMemoryScope()
            withExtendedLifetime(scope) {
                _ = amqp_queue_declare(
                    state, Self.channel, scope.bytes(queue.name), 0, queue.durable ? 1 : 0, 0, 0,
                    HeaderValue.fieldTable(queue.declarationArguments, in: scope)
                )
            }
            try checkReply("declare queue '\(queue.name)'")
        }
        for binding in topology.bindings {
            let scope = CMemoryScope()
            withExtendedLifetime(scope) {
                _ = amqp_queue_bind(
                    state, Self.channel, scope.bytes(binding.queue), scope.bytes(binding.exchange),
                    scope.bytes(binding.routingKey), HeaderValue.fieldTable(binding.arguments, in: scope)
                )
            }
            try checkReply("bind queue '\(binding.queue)' to '\(binding.exchange)' with '\(binding.routingKey)'")
        }
    }

    /// Deletes the topology's queues and exchanges (bindings go with them).
    func delete(_ topology: Topology) throws {
        let state = try liveState()
        for queue in topology.queues {
            let scope = CMemoryScope()
            withExtendedLifetime(scope) {
                _ = amqp_queue_delete(state, Self.channel, scope.bytes(queue.name), 0, 0)
            }
            try checkReply("delete queue '\(queue.name)'")
        }
        for exchange in topology.exchanges {
            let scope = CMemoryScope()
            withExtendedLifetime(scope) {
                _ = amqp_exchange_delete(state, Self.channel, scope.bytes(exchange.name), 0)
            }
            try checkReply("delete exchange '\(exchange.name)'")
        }
    }

    /// Puts the channel into confirm mode: the broker acks or nacks every publish.
    func enablePublisherConfirms() throws {
        _ = amqp_confirm_select(try liveState(), Self.channel)
        try checkReply("enable publisher confirms")
    }

    /// Limits unacknowledged deliveries on the channel.
    func setPrefetch(_ count: UInt16) throws {
        _ = amqp_basic_qos(try liveState(), Self.channel, 0, count, 0)
        try checkReply("set prefetch \(count)")
    }

    /// Starts consuming `queue` with manual acks; returns the broker-assigned consumer tag.
    func consume(queue: String) throws -> String {
        let state = try liveState()
        let scope = CMemoryScope()
        let ok = withExtendedLifetime(scope) {
            amqp_basic_consume(
                state, Self.channel, scope.bytes(queue), conveyor_amqp_empty_bytes(), 0, 0, 0,
                conveyor_amqp_empty_table()
            )
        }
        try checkReply("consume queue '\(queue)'")
        return ok?.pointee.consumer_tag.string ?? ""
    }

    // MARK: Asynchronous methods

    /// Sends a persistent message; the broker confirms it later (in confirm mode).
    func publish(_ message: Message, exchange: String, routingKey: String, mandatory: Bool) throws {
        let state = try liveState()
        let scope = CMemoryScope()
        var properties = message.basicProperties(in: scope)
        let exchangeBytes = scope.bytes(exchange)
        let routingKeyBytes = scope.bytes(routingKey)
        let status = withExtendedLifetime(scope) {
            message.body.withUnsafeBytes { body in
                amqp_basic_publish(
                    state, Self.channel, exchangeBytes, routingKeyBytes, mandatory ? 1 : 0, 0, &properties,
                    amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress))
                )
            }
        }
        try Self.check(status, "publish to '\(exchange)' with '\(routingKey)'")
        lastSent = .now
    }

    /// Runs `body`, which sends `count` messages (publishes or acknowledgements); with more
    /// than one, the socket is corked (`TCP_CORK`) meanwhile, so they leave in as few TCP
    /// segments as fit rather than a segment each, which spares the broker's and this
    /// machine's network stack a packet per message. Uncorking at the end sends what is held.
    func sendingTogether<Result>(_ count: Int, _ body: () throws -> Result) rethrows -> Result {
        guard count > 1, let state, case let socket = amqp_get_sockfd(state), socket >= 0 else { return try body() }
        var on: Int32 = 1
        guard setsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &on, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            return try body()
        }
        defer {
            var off: Int32 = 0
            _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &off, socklen_t(MemoryLayout<Int32>.size))
        }
        return try body()
    }

    func ack(deliveryTag: UInt64) throws {
        try Self.check(amqp_basic_ack(try liveState(), Self.channel, deliveryTag, 0), "ack delivery \(deliveryTag)")
        lastSent = .now
    }

    func reject(deliveryTag: UInt64, requeue: Bool) throws {
        try Self.check(
            amqp_basic_reject(try liveState(), Self.channel, deliveryTag, requeue ? 1 : 0),
            "reject delivery \(deliveryTag)"
        )
        lastSent = .now
    }

    // MARK: Reading

    /// True when rabbitmq-c holds input already read from the socket.
    var hasBufferedInput: Bool {
        guard let state else { return false }
        return amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0
    }

    /// The next frame if one is available within `timeout` (`.zero`: only what is already there).
    /// Heartbeat frames are consumed by rabbitmq-c and never returned.
    ///
    /// - Throws: ``AMQPError/missedHeartbeats`` or the library's error when the connection is gone.
    func readFrame(waitingUpTo timeout: Duration = .zero) throws -> InboundFrame? {
        let state = try liveState()
        var frame = amqp_frame_t()
        var wait = timeval(timeout)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &wait)
        if status == AMQP_STATUS_TIMEOUT.rawValue {
            return nil
        }
        if status == AMQP_STATUS_HEARTBEAT_TIMEOUT.rawValue {
            throw AMQPError.missedHeartbeats
        }
        try Self.check(status, "read from broker")
        lastReceived = .now
        return InboundFrame(frame)
    }

    /// Answers a `connection.close` or `channel.close` from the broker with its `close-ok`.
    /// Afterwards the connection is only good for ``close()``.
    func acknowledgeClose(_ method: InboundMethod) {
        guard let state else { return }
        switch method {
        case .connectionClose:
            Self.sendConnectionCloseOk(state)
            isClosedByBroker = true
        case .channelClose:
            Self.sendChannelCloseOk(state)
            isChannelOpen = false
        default:
            break
        }
    }

    /// Reads and hands to `handle` every frame already available (up to 1,024 at a time, so
    /// other work on the connection's thread gets its turn), then releases decoded frames.
    ///
    /// While the broker's silence is suspected it waits a millisecond for a first frame: an
    /// empty read then confirms the broker is alive (heartbeats are frames too).
    func drainFrames(_ handle: (InboundFrame) throws -> Void) throws {
        let probing = brokerSilenceSuspected
        var wait: Duration = probing ? .milliseconds(1) : .zero
        var frames = 0
        while frames < 1024, let frame = try readFrame(waitingUpTo: wait) {
            wait = .zero
            frames += 1
            try handle(frame)
        }
        if probing && frames == 0 {
            brokerConfirmedAlive()
        }
        releaseBuffers()
    }

    /// Frees memory of frames already copied out. Call when no frame data is referenced.
    func releaseBuffers() {
        guard let state else { return }
        amqp_maybe_release_buffers(state)
    }

    // MARK: Heartbeats and waiting

    /// True when nothing has been seen from the broker for two heartbeat intervals by this
    /// object's clock. rabbitmq-c consumes heartbeat frames itself, so this only raises a
    /// suspicion: read with a short timeout to let the library, which sees every byte, decide.
    var brokerSilenceSuspected: Bool {
        heartbeat > .zero && ContinuousClock.now - lastReceived >= heartbeat * 2
    }

    /// Records that the library, asked after a suspicion, still considers the broker alive.
    func brokerConfirmedAlive() {
        lastReceived = .now
    }

    /// Sends a heartbeat frame when nothing has been sent for half the interval.
    func sendHeartbeatIfDue() throws {
        guard heartbeat > .zero, ContinuousClock.now - lastSent >= heartbeat / 2 else { return }
        var frame = amqp_frame_t()
        frame.frame_type = UInt8(AMQP_FRAME_HEARTBEAT)
        frame.channel = 0
        try Self.check(amqp_send_frame(try liveState(), &frame), "send heartbeat")
        lastSent = .now
    }

    /// How long the thread may sleep before heartbeats need attention; `nil` without heartbeats.
    var heartbeatWaitLimit: Duration? {
        guard heartbeat > .zero else { return nil }
        let now = ContinuousClock.now
        let untilSend = (lastSent + heartbeat / 2) - now
        let untilSuspicion = (lastReceived + heartbeat * 2) - now
        return max(.zero, min(untilSend, untilSuspicion))
    }

    /// Blocks in `poll(2)` until the socket is readable, `wake` is signalled, or `timeout` passes.
    func waitForInput(orWake wake: WakeSignal, timeout: Duration?) throws {
        let state = try liveState()
        let socket = amqp_get_sockfd(state)
        guard socket >= 0 else {
            throw AMQPError.library(operation: "wait for broker", message: "socket is closed")
        }
        var descriptors = [
            pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake.descriptor, events: Int16(POLLIN), revents: 0),
        ]
        let milliseconds: Int32
        if let timeout {
            let value = (timeout.seconds * 1000).rounded(.up)
            milliseconds = Int32(clamping: Int(max(0, min(value, Double(Int32.max)))))
        } else {
            milliseconds = -1
        }
        let result = poll(&descriptors, 2, milliseconds)
        if result < 0 && errno != EINTR {
            throw AMQPError.library(operation: "wait for broker", message: String(cString: strerror(errno)))
        }
        if descriptors[0].revents != 0 {
            lastReceived = .now
        }
    }

    // MARK: Closing

    /// Closes the channel and connection with the broker's handshake when the broker is still
    /// talking to us, then frees everything. After the broker closed the connection, or after a
    /// socket error, only frees: waiting for a handshake there blocks for the request timeout.
    func close(politely: Bool) {
        guard let state else { return }
        if politely && !isClosedByBroker {
            var shortTimeout = timeval(.seconds(2))
            _ = amqp_set_rpc_timeout(state, &shortTimeout)
            if isChannelOpen {
                _ = amqp_channel_close(state, Self.channel, AMQP_REPLY_SUCCESS)
            }
            _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
        }
        amqp_destroy_connection(state)
        self.state = nil
    }

    // MARK: Errors

    private func liveState() throws -> amqp_connection_state_t {
        guard let state else {
            throw AMQPError.library(operation: "use connection", message: "connection is closed")
        }
        return state
    }

    /// Checks the reply of the last synchronous request.
    private func checkReply(_ operation: String) throws {
        let state = try liveState()
        let reply = amqp_get_rpc_reply(state)
        guard let error = Self.failure(of: reply, state: state, operation: operation) else { return }
        switch error {
        case .connectionClosedByBroker: isClosedByBroker = true
        case .channelClosedByBroker: isChannelOpen = false
        default: break
        }
        throw error
    }

    private static func check(_ status: Int32, _ operation: String) throws {
        guard status < 0 else { return }
        throw AMQPError.library(operation: operation, message: String(cString: amqp_error_string2(status)))
    }

    /// The error a reply stands for, or `nil` for success. Answers a broker's close with its
    /// `close-ok` on the way.
    private static func failure(of reply: amqp_rpc_reply_t, state: amqp_connection_state_t, operation: String) -> AMQPError? {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return nil
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            if reply.library_error == AMQP_STATUS_HEARTBEAT_TIMEOUT.rawValue {
                return .missedHeartbeats
            }
            return .library(operation: operation, message: String(cString: amqp_error_string2(reply.library_error)))
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            switch InboundMethod(reply.reply) {
            case .connectionClose(let code, let text):
                sendConnectionCloseOk(state)
                return .connectionClosedByBroker(code: code, text: "\(text) (while trying to \(operation))")
            case .channelClose(let code, let text):
                sendChannelCloseOk(state)
                return .channelClosedByBroker(code: code, text: "\(text) (while trying to \(operation))")
            default:
                return .library(operation: operation, message: "unexpected reply method 0x\(String(reply.reply.id, radix: 16))")
            }
        default:
            return .library(operation: operation, message: "no reply")
        }
    }

    private static func sendConnectionCloseOk(_ state: amqp_connection_state_t) {
        var ok = amqp_connection_close_ok_t()
        _ = amqp_send_method(state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok)
    }

    private static func sendChannelCloseOk(_ state: amqp_connection_state_t) {
        var ok = amqp_channel_close_ok_t()
        _ = amqp_send_method(state, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok)
    }
}

extension timeval {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
