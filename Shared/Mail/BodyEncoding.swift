/// How the text/plain body of an ``EmailMessage`` is written: `7bit` when it already is
/// short-lined ASCII, `quoted-printable` otherwise.
///
/// Not `8bit`: it is only allowed after the server announced 8BITMIME *and* the client sent
/// `BODY=8BITMIME`, which libcurl never does; and it would not help with lines longer than
/// the 998 octets SMTP allows. Quoted-printable is 7-bit clean, splits long lines with soft
/// breaks, and keeps mostly-ASCII text readable in the raw message (base64 would not).
enum BodyEncoding: Equatable {
    case sevenBit
    case quotedPrintable

    /// The `Content-Transfer-Encoding` value.
    var headerValue: String {
        switch self {
        case .sevenBit: "7bit"
        case .quotedPrintable: "quoted-printable"
        }
    }

    /// The encoding `text` needs and its encoded bytes, every line ending in CRLF.
    static func encode(_ text: String) -> (encoding: BodyEncoding, bytes: [UInt8]) {
        let lines = lines(of: text)
        let isSevenBit = lines.allSatisfy { line in
            line.count <= HeaderText.hardLineLimit && line.allSatisfy { $0 != 0 && $0 < 0x80 }
        }
        guard isSevenBit else { return (.quotedPrintable, QuotedPrintable.encode(lines: lines)) }
        var bytes: [UInt8] = []
        for line in lines {
            bytes += line
            bytes += [13, 10]
        }
        return (.sevenBit, bytes)
    }

    /// The lines of `text` as UTF-8, split at CRLF, CR or LF. A final line break ends the
    /// last line rather than starting an empty one.
    static func lines(of text: String) -> [ArraySlice<UInt8>] {
        let bytes = Array(text.utf8)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 || byte == 10 {
                lines.append(bytes[start..<index])
                if byte == 13 && index + 1 < bytes.count && bytes[index + 1] == 10 { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count || lines.isEmpty { lines.append(bytes[start...]) }
        return lines
    }
}
