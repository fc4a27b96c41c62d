extension Substring {
    /// The text without leading and trailing spaces and tabs: Unicode's space separators
    /// (general category Zs) and U+0009; line breaks stay. Foundation's
    /// `CharacterSet.whitespaces` is the same set plus U+200B ZERO WIDTH SPACE, a space
    /// separator in Unicode versions before 4.0.1.
    package func trimmingSpaces() -> String {
        trimming(where: Self.isSpace)
    }

    /// The text without leading and trailing spaces, tabs and line breaks (U+000A–U+000D,
    /// U+0085, U+2028, U+2029): Foundation's `CharacterSet.whitespacesAndNewlines` but for
    /// U+200B, as in ``trimmingSpaces()``.
    package func trimmingWhitespace() -> String {
        trimming { Self.isSpace($0) || Self.isLineBreak($0) }
    }

    private func trimming(where isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        // The common case, text starting and ending with a visible ASCII character, is decided
        // from its first and last bytes.
        if let first = utf8.first, let last = utf8.last, first > 0x20 && first < 0x7F, last > 0x20 && last < 0x7F {
            return String(self)
        }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !isTrimmed($0) })!
        return String(scalars[start...end])
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
    }

    private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        (0x0A...0x0D).contains(scalar.value) || scalar.value == 0x85 || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs (see `Substring.trimmingSpaces()`).
    package func trimmingSpaces() -> String {
        self[...].trimmingSpaces()
    }

    /// The text without leading and trailing spaces, tabs and line breaks (see
    /// `Substring.trimmingWhitespace()`).
    package func trimmingWhitespace() -> String {
        self[...].trimmingWhitespace()
    }
}
