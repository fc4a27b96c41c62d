/// An extra header line of an ``EmailMessage``, such as `traceparent` or
/// `X-Conveyor-Order-Id`.
///
/// The value is unstructured text: a non-ASCII value is written as RFC 2047 encoded-words,
/// a long one is folded. Line breaks and other control characters are rejected, so a value
/// can never start a header of its own.
public struct MailHeaderField: Sendable, Hashable {
    /// The headers ``EmailMessage`` writes itself, compared case-insensitively.
    public static let reservedNames: Set<String> = [
        "date", "from", "sender", "to", "cc", "bcc", "subject", "message-id",
        "mime-version", "content-type", "content-transfer-encoding",
    ]

    /// Printable ASCII without `:`, at most 64 characters, not one of ``reservedNames``.
    public let name: String
    /// Single-line text: no control characters other than tab.
    public let value: String

    /// - Throws: ``EmailMessageError/invalidHeaderName(_:)``,
    ///   ``EmailMessageError/reservedHeader(_:)`` or ``EmailMessageError/invalidHeaderValue(name:)``.
    public init(name: String, value: String) throws(EmailMessageError) {
        // RFC 5322 field-name: printable ASCII except ":"; kept short enough to fold after.
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= 64,
            nameBytes.allSatisfy({ (33...126).contains($0) && $0 != UInt8(ascii: ":") })
        else { throw .invalidHeaderName(name) }
        guard !Self.reservedNames.contains(name.lowercased()) else { throw .reservedHeader(name) }
        guard !HeaderText.containsForbidden(value) else {
            throw .invalidHeaderValue(name: name)
        }
        self.name = name
        self.value = value
    }
}
