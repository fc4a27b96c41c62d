/// Why an ``EmailMessage``, ``MailAddress`` or ``MailHeaderField`` could not be built.
///
/// Every value that ends up in a header is checked before a message exists, so a rendered
/// message can never carry a line break smuggled in through a name, subject or header value.
public enum EmailMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The address is not an ASCII `local@domain` that `MAIL FROM` / `RCPT TO` can carry.
    case invalidAddress(String)
    /// A display name contains a line break or another control character.
    case invalidDisplayName
    /// The subject contains a line break or another control character.
    case invalidSubject
    /// A header name is empty, too long, or not printable ASCII without `:`.
    case invalidHeaderName(String)
    /// A header value contains a line break or another control character.
    case invalidHeaderValue(name: String)
    /// The header is written by ``EmailMessage`` itself (use its parameter instead).
    case reservedHeader(String)
    /// A message needs at least one recipient.
    case noRecipients
    /// The Message-ID is not `<left@right>` in printable ASCII.
    case invalidMessageID(String)

    /// What is wrong, naming the offending value (never a password: none passes through here).
    public var description: String {
        switch self {
        case .invalidAddress(let address):
            "invalid e-mail address \(String(reflecting: address))"
        case .invalidDisplayName:
            "invalid display name: control characters and line breaks are not allowed"
        case .invalidSubject:
            "invalid subject: control characters and line breaks are not allowed"
        case .invalidHeaderName(let name):
            "invalid header name \(String(reflecting: name))"
        case .invalidHeaderValue(let name):
            "invalid value for header \(name): control characters and line breaks are not allowed"
        case .reservedHeader(let name):
            "header \(name) is written by EmailMessage itself; pass it as a parameter instead"
        case .noRecipients:
            "an e-mail message needs at least one recipient"
        case .invalidMessageID(let id):
            "invalid Message-ID \(String(reflecting: id))"
        }
    }
}
