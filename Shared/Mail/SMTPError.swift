/// A failed delivery or connection check, classified so the caller can decide what to do.
///
/// ``isPermanent`` is true only when the server refused *this* message or recipient (a
/// 5xx reply to `RCPT TO`, `DATA` or the message content): record it as failed, retrying
/// will not help. Every other failure is about the mail server or the way to it (down,
/// slow, 4xx "try later", TLS or credentials broken): not the message's fault, so the
/// caller should pause and retry, and alert if it lasts.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, coarsely.
    public enum Kind: String, Sendable, Equatable {
        /// The host name did not resolve or the connection was refused or unreachable.
        case unreachable
        /// Connecting or waiting for a reply took longer than the configured timeout.
        case timeout
        /// The connection broke in the middle of the conversation.
        case connectionLost
        /// TLS failed: handshake, certificate, or STARTTLS required but not offered.
        case tls
        /// The server refused our credentials, or wants some and we have none.
        case authentication
        /// A 4xx reply (421, 450, 451, 452, …): the server asks to try again later.
        case deferred
        /// A 5xx reply to the recipient or the message (550, 552, 553, 554, …).
        case rejected
        /// A 5xx reply outside the message: the greeting, EHLO, or our sender address.
        case refused
        /// The server's replies made no sense to libcurl.
        case protocolViolation
        /// Anything else libcurl reported.
        case other
    }

    /// What went wrong; see ``isPermanent`` for what to do about it.
    public let kind: Kind
    /// The SMTP reply code that ended the conversation, when there was one (`550`).
    public let replyCode: Int?
    /// The server's reply, all its lines joined with spaces (`550 5.1.1 <x@y>: no such user`).
    public let reply: String?
    /// The step that got the reply: `connect`, `EHLO`, `STARTTLS`, `AUTH`, `MAIL FROM`,
    /// `RCPT TO`, `DATA`, or `end of data` (the reply to the message content).
    public let command: String?
    /// libcurl's result code (`CURLcode`), 0 when libcurl reported none.
    public let curlCode: Int
    /// libcurl's error text for this failure (`RCPT failed: 550`, `Failed to connect to …`).
    public let curlMessage: String

    /// True when retrying this message cannot succeed: the server rejected it or its recipient.
    public var isPermanent: Bool { kind == .rejected }

    init(kind: Kind, replyCode: Int?, reply: String?, command: String?, curlCode: Int, curlMessage: String) {
        self.kind = kind
        self.replyCode = replyCode
        self.reply = reply
        self.command = command
        self.curlCode = curlCode
        self.curlMessage = curlMessage
    }

    /// One line for logs and the notifications table: kind, command, reply and libcurl's text.
    public var description: String {
        var text = "SMTP \(kind.rawValue)"
        if let command { text += " at \(command)" }
        if let reply {
            text += ": \(reply)"
        } else if let replyCode {
            text += ": reply \(replyCode)"
        }
        text += " (libcurl \(curlCode): \(curlMessage))"
        return text
    }
}
