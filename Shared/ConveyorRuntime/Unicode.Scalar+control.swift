extension Unicode.Scalar {
    /// True for a control character, general category Cc: U+0000–U+001F and U+007F–U+009F.
    /// Unicode never changes that set, so it is decided from the code point rather than by a
    /// property lookup.
    package var isControlCharacter: Bool {
        value < 0x20 || (0x7F...0x9F).contains(value)
    }
}
