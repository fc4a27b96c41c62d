extension EmailMessage {
    /// The message as sent after SMTP `DATA`: headers, an empty line and the body, every
    /// line ending in CRLF and none longer than 998 octets.
    ///
    /// Lines starting with `.` are left as they are: libcurl dot-stuffs the data it sends
    /// (RFC 5321 §4.5.2), so doing it here would double the dots.
    public func rendered() -> [UInt8] {
        let (encoding, body) = BodyEncoding.encode(self.body)
        var lines: [String] = [
            "Date: \(MailDate.format(date))",
            Self.addressHeader(name: "From", addresses: [from]),
            Self.addressHeader(name: "To", addresses: to),
            HeaderText.unstructured(name: "Subject", value: subject),
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: \(encoding.headerValue)",
        ]
        for header in headers {
            lines.append(HeaderText.unstructured(name: header.name, value: header.value))
        }
        var output: [UInt8] = []
        for line in lines {
            output += line.utf8
            output += [13, 10]
        }
        output += [13, 10]
        output += body
        return output
    }

    /// `Name: mailbox, mailbox`, folded between words and after commas.
    private static func addressHeader(name: String, addresses: [MailAddress]) -> String {
        if let folded = addressHeader(name: name, addresses: addresses, encodingNames: false) {
            return folded
        }
        // A display name with a word too long to fold: encoded-words can always be split,
        // and an address is at most 254 characters.
        return addressHeader(name: name, addresses: addresses, encodingNames: true)!
    }

    private static func addressHeader(name: String, addresses: [MailAddress], encodingNames: Bool) -> String? {
        var atoms: [String] = []
        for (index, mailbox) in addresses.enumerated() {
            let separator = index < addresses.count - 1 ? "," : ""
            guard let displayName = mailbox.displayName else {
                atoms.append(mailbox.address + separator)
                continue
            }
            let lineUsed = atoms.isEmpty ? name.utf8.count + 1 : 0
            atoms +=
                encodingNames
                ? EncodedWord.encode(displayName, firstLineUsed: lineUsed)
                : HeaderText.phrase(displayName, firstLineUsed: lineUsed)
            atoms.append("<\(mailbox.address)>" + separator)
        }
        return HeaderText.fold(name: name, atoms: atoms)
    }
}
