/// What one libcurl transfer said and heard, as far as classifying a failure needs: the last
/// command sent and the complete reply to it.
///
/// Fed from libcurl's debug callback. Only the command verb is kept, never its arguments:
/// `AUTH PLAIN` carries the credentials.
struct SMTPTranscript {
    /// The step the current reply answers; the greeting answers `connect`.
    private(set) var command = "connect"
    /// The last complete reply to ``command``, its lines joined with spaces.
    private(set) var reply: String?
    private(set) var replyCode: Int?
    private var replyLines: [String] = []
    private var isQuitting = false

    /// Records a line libcurl sent (`CURLINFO_HEADER_OUT`).
    mutating func sent(_ text: String) {
        guard !isQuitting else { return }
        let verb = text.prefix { $0.isLetter }.uppercased()
        let name: String
        switch verb {
        case "MAIL": name = "MAIL FROM"
        case "RCPT": name = "RCPT TO"
        case "EHLO", "HELO", "STARTTLS", "AUTH", "DATA", "RSET", "NOOP", "VRFY", "EXPN": name = verb
        case "QUIT":
            // Replies after QUIT are about closing, not about what failed.
            isQuitting = true
            return
        default:
            return  // an AUTH continuation (base64 credentials) or message content
        }
        command = name
        reply = nil
        replyCode = nil
        replyLines = []
    }

    /// Records reply text libcurl received (`CURLINFO_HEADER_IN`), one or more lines.
    mutating func received(_ text: String) {
        guard !isQuitting else { return }
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = String(rawLine)
            let utf8 = Array(line.utf8)
            guard utf8.count >= 3, utf8[0...2].allSatisfy({ (48...57).contains($0) }) else { continue }
            replyLines.append(line)
            // "250-..." continues a multi-line reply; "250 ..." or "250" ends it.
            if utf8.count > 3 && utf8[3] == UInt8(ascii: "-") { continue }
            reply = replyLines.joined(separator: " ")
            replyCode = Int(String(decoding: utf8[0...2], as: UTF8.self))
            replyLines = []
            if command == "DATA" && replyCode == 354 {
                // The content follows; the next reply judges the message itself.
                command = "end of data"
                reply = nil
                replyCode = nil
            }
        }
    }
}
