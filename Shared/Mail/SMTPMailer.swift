import ConveyorRuntime
import Logging

/// Sends ``EmailMessage``s over SMTP with libcurl, one at a time, on a thread of its own.
///
/// libcurl's calls block for the whole SMTP conversation, so the actor runs on a
/// `DedicatedThreadExecutor` and never occupies a thread of Swift's cooperative pool. It
/// keeps one libcurl handle, so consecutive messages reuse one connection (a new one is
/// opened after a failure, after about two minutes idle, or when the server closed it).
/// For parallel deliveries use several mailers; for a readiness probe that must not queue
/// behind a slow delivery, give the probe a mailer of its own.
public actor SMTPMailer {
    /// Where and how this mailer delivers.
    public nonisolated let configuration: SMTPConfiguration
    private nonisolated let executor: DedicatedThreadExecutor
    private let logger: Logger
    private var handle: CurlEasyHandle?

    /// The mailer's own thread: every call into libcurl runs there.
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// Starts the mailer's thread; the first ``send(_:)`` connects. Logs deliveries at debug
    /// level to `logger`; the password is never logged.
    public init(configuration: SMTPConfiguration, logger: Logger = Logger(label: "conveyor.mail")) {
        self.configuration = configuration
        self.logger = logger
        self.executor = DedicatedThreadExecutor(name: "smtp-mailer")
    }

    deinit {
        executor.shutdown()
    }

    /// Delivers `message` to all its recipients, with the configuration's sender as
    /// `MAIL FROM`. Returns once the server accepted it (`250` after the data).
    ///
    /// If the server refuses any recipient the whole message is not sent. Not cancellable
    /// once started; the configured timeout bounds it.
    /// - Throws: ``SMTPError``; ``SMTPError/isPermanent`` tells whether retrying can help.
    public func send(_ message: EmailMessage) throws(SMTPError) {
        let start = ContinuousClock.now
        let payload = message.rendered()
        let handle: CurlEasyHandle
        if let existing = self.handle {
            handle = existing
        } else {
            handle = try CurlEasyHandle(configuration: configuration)
        }
        do {
            let connections = try handle.send(
                payload: payload,
                sender: configuration.sender.address,
                recipients: message.to.map(\.address))
            self.handle = handle
            logger.debug(
                "mail sent",
                metadata: [
                    "message_id": "\(message.messageID)",
                    "recipients": "\(message.to.count)",
                    "bytes": "\(payload.count)",
                    "new_connections": "\(connections)",
                    "duration_ms": "\(Self.milliseconds(since: start))",
                ])
        } catch {
            // libcurl closed the connection after the failure; the handle stays usable.
            self.handle = handle
            logger.debug(
                "mail not sent",
                metadata: [
                    "message_id": "\(message.messageID)",
                    "error": "\(error)",
                    "permanent": "\(error.isPermanent)",
                ])
            throw error
        }
    }

    /// Opens a new connection and goes through greeting, EHLO, STARTTLS and AUTH as
    /// configured, then says QUIT: what a readiness probe needs to know. Queues behind a
    /// delivery in progress on this mailer.
    /// - Throws: ``SMTPError`` saying why the server cannot take mail now.
    public func checkConnection() throws(SMTPError) {
        let probe = try CurlEasyHandle(configuration: configuration, connectOnly: true)
        try probe.connect()
    }

    /// Closes the open connection, if any, politely (QUIT). The next ``send(_:)`` opens a
    /// new one. Call it at shutdown.
    public func close() {
        handle = nil
    }

    private static func milliseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }
}
