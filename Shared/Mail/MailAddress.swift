/// A mailbox: an address and an optional display name, as written in `From` and `To`.
///
/// The address is the ASCII `local@domain` that SMTP's `MAIL FROM` and `RCPT TO` carry (no
/// SMTPUTF8), so an internationalised domain must be given in its `xn--` form. Quoted local
/// parts are not accepted. The display name may be any single-line text; non-ASCII names are
/// written as RFC 2047 encoded-words.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// `local@domain`.
    public let address: String
    /// The name shown to the reader, or nil.
    public let displayName: String?

    /// Checks `address` and `displayName`; an empty display name counts as none.
    /// - Throws: ``EmailMessageError/invalidAddress(_:)`` or ``EmailMessageError/invalidDisplayName``.
    public init(_ address: String, displayName: String? = nil) throws(EmailMessageError) {
        guard Self.isValidAddress(address) else { throw .invalidAddress(address) }
        if let displayName, HeaderText.containsForbidden(displayName) {
            throw .invalidDisplayName
        }
        self.address = address
        self.displayName = displayName?.isEmpty == true ? nil : displayName
    }

    /// The part after `@`, used for generated Message-IDs.
    public var domain: Substring {
        address[address.index(after: address.lastIndex(of: "@")!)...]
    }

    /// `Name <local@domain>` or the bare address, unencoded (for logs, not for headers).
    public var description: String {
        guard let displayName else { return address }
        return "\(displayName) <\(address)>"
    }

    static func isValidAddress(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard !local.isEmpty, local.count <= 64, !domain.isEmpty else { return false }
        // dot-atom: atext characters separated by single dots.
        let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)
        let isAtext: (UInt8) -> Bool = { byte in
            Self.isAlphanumeric(byte) || atextSymbols.contains(byte)
        }
        guard local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".") else { return false }
        var previous: UInt8 = 0
        for byte in local {
            if byte == UInt8(ascii: ".") {
                guard previous != UInt8(ascii: ".") else { return false }
            } else if !isAtext(byte) {
                return false
            }
            previous = byte
        }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63
                && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                && label.allSatisfy { Self.isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
