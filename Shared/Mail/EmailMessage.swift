import ConveyorRuntime
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A plain-text e-mail, checked when it is built and rendered as an RFC 5322 message by
/// ``rendered()``.
///
/// Every header value is checked for line breaks and control characters, so no caller-
/// supplied text can inject a header or end the header block early.
public struct EmailMessage: Sendable {
    /// The author, written in `From`.
    public let from: MailAddress
    /// The recipients, written in `To` and given to the server as `RCPT TO`.
    public let to: [MailAddress]
    /// Single-line text; non-ASCII is written as RFC 2047 encoded-words.
    public let subject: String
    /// Plain text in any line-ending convention; written with CRLF.
    public let body: String
    /// Written in `Date`, in UTC, to the second.
    public let date: Date
    /// `<left@right>`, written in `Message-ID`.
    public let messageID: String
    /// Extra header lines, written after the standard ones in this order.
    public let headers: [MailHeaderField]

    /// - Parameters:
    ///   - messageID: `left@right`, with or without angle brackets. When nil, one is made
    ///     from a random UUID and the author's domain: `<UUID@domain>`. Pass a stable one
    ///     (for example derived from the event id) to let receivers spot duplicates.
    /// - Throws: ``EmailMessageError`` for no recipients, a subject with control
    ///   characters or line breaks, or an invalid Message-ID.
    public init(
        from: MailAddress,
        to: [MailAddress],
        subject: String,
        body: String,
        date: Date = Date(),
        messageID: String? = nil,
        headers: [MailHeaderField] = []
    ) throws(EmailMessageError) {
        guard !to.isEmpty else { throw .noRecipients }
        guard !HeaderText.containsForbidden(subject) else { throw .invalidSubject }
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.headers = headers
        if let messageID {
            self.messageID = try Self.checkedMessageID(messageID)
        } else {
            self.messageID = "<\(UUID().lowercasedString)@\(from.domain)>"
        }
    }

    /// `<left@right>` from `left@right` or `<left@right>`, each side printable ASCII
    /// without spaces, angle brackets or a second `@`.
    private static func checkedMessageID(_ text: String) throws(EmailMessageError) -> String {
        var inner = Substring(text)
        if inner.hasPrefix("<") && inner.hasSuffix(">") && inner.count >= 2 {
            inner = inner.dropFirst().dropLast()
        }
        let parts = inner.split(separator: "@", omittingEmptySubsequences: false)
        let isValid =
            parts.count == 2 && parts.allSatisfy { !$0.isEmpty }
            && inner.utf8.count <= 250
            && inner.utf8.allSatisfy { (33...126).contains($0) && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
        guard isValid else { throw .invalidMessageID(text) }
        return "<\(inner)>"
    }
}
