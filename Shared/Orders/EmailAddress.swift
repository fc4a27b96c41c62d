/// A pragmatic check of e-mail addresses: what a mail server will accept in `RCPT TO`,
/// not the full RFC 5322 grammar.
public enum EmailAddress {
    public static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= 254 else { return false }
        var address = address
        // Plain ASCII, the common case, is decided from the bytes by the same rules.
        if let valid = address.withUTF8({ $0.allSatisfy { $0 < 0x80 } ? isValidASCII($0) : nil }) {
            return valid
        }
        return isValidText(address)
    }

    /// The rules on characters: one `@`; a local part of 1–64 bytes without a leading,
    /// trailing or doubled dot; a domain of two or more labels of letters, digits and inner
    /// hyphens, each at most 63 characters; no spaces, line breaks or `<>()[],;:\"` anywhere.
    static func isValidText(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0]
        let domain = parts[1]
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty else { return false }
        guard !address.contains(where: { forbidden.contains($0) || $0.isNewline }) else { return false }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }
    }

    /// ``isValidText(_:)`` for an address that is all ASCII, on its bytes.
    static func isValidASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), !bytes[(at + 1)...].contains(UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard !local.isEmpty, local.count <= 64, !domain.isEmpty else { return false }
        guard !bytes.contains(where: { forbiddenBytes.contains($0) || (0x0A...0x0D).contains($0) }) else { return false }
        let dot = UInt8(ascii: ".")
        guard local.first != dot, local.last != dot, !zip(local, local.dropFirst()).contains(where: { $0 == dot && $1 == dot }) else {
            return false
        }
        let labels = domain.split(separator: dot, omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        let hyphen = UInt8(ascii: "-")
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != hyphen && label.last != hyphen
                && label.allSatisfy { isASCIILetterOrDigit($0) || $0 == hyphen }
        }
    }

    private static func isASCIILetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static let forbidden: Set<Character> = [" ", "\t", "<", ">", "(", ")", "[", "]", ",", ";", ":", "\\", "\""]
    private static let forbiddenBytes: Set<UInt8> = Set(" \t<>()[],;:\\\"".utf8)
}
