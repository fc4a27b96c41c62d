/// What one libcurl transfer said and heard, as far as classifying a failure needs: the last
/// command sent and the complete reply to it.
///
/// Fed from libcurl's debug callback with the bytes of each line sent or received; nothing
/// is turned into text until a failure asks for it. Only the command verb is kept, never
/// its arguments: `AUTH PLAIN` carries the credentials.
struct SMTPTranscript {
    /// The step the current reply answers; the greeting answers `connect`.
    private(set) var command = "connect"
    /// The last complete reply to ``command``, its lines joined with spaces.
    var reply: String? { replyBytes.map { String(decoding: $0, as: UTF8.self) } }
    private(set) var replyCode: Int?
    private var replyBytes: [UInt8]?
    /// The lines of a multi-line reply received so far, joined with spaces.
    private var partialReply: [UInt8] = []
    private var isQuitting = false

    /// Records a line libcurl sent (`CURLINFO_HEADER_OUT`).
    mutating func sent(_ bytes: UnsafeRawBufferPointer) {
        guard !isQuitting else { return }
        var verb = ""
        for byte in bytes.prefix(while: Self.isLetter) {
            verb.unicodeScalars.append(Unicode.Scalar(byte & 0xDF))  // ASCII upper case
        }
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
        replyBytes = nil
        replyCode = nil
        partialReply = []
    }

    /// Records reply bytes libcurl received (`CURLINFO_HEADER_IN`), one or more lines.
    mutating func received(_ bytes: UnsafeRawBufferPointer) {
        guard !isQuitting else { return }
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 13 && bytes[end] != 10 { end += 1 }
            receivedLine(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            start = end + 1
        }
    }

    private mutating func receivedLine(_ line: UnsafeRawBufferPointer) {
        guard line.count >= 3, line.prefix(3).allSatisfy({ (48...57).contains($0) }) else { return }
        if !partialReply.isEmpty { partialReply.append(UInt8(ascii: " ")) }
        partialReply.append(contentsOf: line)
        // "250-..." continues a multi-line reply; "250 ..." or "250" ends it.
        if line.count > 3 && line[3] == UInt8(ascii: "-") { return }
        replyBytes = partialReply
        replyCode = line.prefix(3).reduce(0) { $0 * 10 + Int($1 - 48) }
        partialReply = []
        if command == "DATA" && replyCode == 354 {
            // The content follows; the next reply judges the message itself.
            command = "end of data"
            replyBytes = nil
            replyCode = nil
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}

extension SMTPTranscript {
    /// Records a line sent, given as text.
    mutating func sent(_ text: String) {
        var text = text
        text.withUTF8 { sent(UnsafeRawBufferPointer($0)) }
    }

    /// Records reply text received.
    mutating func received(_ text: String) {
        var text = text
        text.withUTF8 { received(UnsafeRawBufferPointer($0)) }
    }
}
