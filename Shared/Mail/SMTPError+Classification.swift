extension SMTPError.Kind {
    /// Refines what libcurl's result says with the server's reply and the command it
    /// answered. A reply code decides when there is one: 4xx is always `deferred`; 5xx is
    /// `rejected` only for the recipient or the message (and for 552, message too large, in
    /// answer to `MAIL FROM`), `authentication` for AUTH and 530, `refused` elsewhere.
    static func classify(transport: Self, replyCode: Int?, command: String?) -> Self {
        guard let replyCode, (400..<600).contains(replyCode) else { return transport }
        if replyCode < 500 { return .deferred }
        if transport == .authentication || replyCode == 530 || command == "AUTH" { return .authentication }
        switch command {
        case "RCPT TO", "DATA", "end of data": return .rejected
        case "MAIL FROM" where replyCode == 552: return .rejected
        default: return .refused
        }
    }
}
