import ConveyorRuntime

extension String {
    /// The string without leading and trailing spaces and tabs: Unicode's space separators
    /// (general category Zs) and U+0009, as Foundation's `CharacterSet.whitespaces`; line
    /// breaks stay.
    package func trimmingSpaces() -> String {
        // The common case, a string starting and ending with a visible ASCII character, is
        // decided from its first and last bytes.
        if let first = utf8.first, let last = utf8.last, Self.isVisibleASCII(first), Self.isVisibleASCII(last) {
            return self
        }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !Self.isSpace($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !Self.isSpace($0) })!
        return String(scalars[start...end])
    }

    /// True when any character is a control character (general category Cc).
    var containsControlCharacters: Bool {
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return false }
        return unicodeScalars.contains(where: \.isControlCharacter)
    }

    private static func isVisibleASCII(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
    }
}
