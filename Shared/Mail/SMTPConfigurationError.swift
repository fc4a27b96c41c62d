/// Why an SMTP URL or its options were refused. The text never repeats the URL, which may
/// hold a password.
public struct SMTPConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "invalid SMTP configuration: \(reason)" }
}
