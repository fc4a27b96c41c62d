/// Why an SMTP URL or its options were refused. The text never repeats the URL, which may
/// hold a password.
public struct SMTPConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `invalid port "70000"`.
    public let reason: String

    /// An error with `reason` as its explanation.
    public init(_ reason: String) {
        self.reason = reason
    }

    /// `invalid SMTP configuration: ` followed by the reason.
    public var description: String { "invalid SMTP configuration: \(reason)" }
}
