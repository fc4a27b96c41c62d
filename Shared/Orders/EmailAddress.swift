/// A pragmatic check of e-mail addresses: what a mail server will accept in `RCPT TO`,
/// not the full RFC 5322 grammar.
public enum EmailAddress {
    public static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= 254 else { return false }
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

    private static let forbidden: Set<Character> = [" ", "\t", "<", ">", "(", ")", "[", "]", ",", ";", ":", "\\", "\""]
}
