import ConveyorRuntime

extension String {
    /// True when any character is a control character (general category Cc).
    var containsControlCharacters: Bool {
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return false }
        return unicodeScalars.contains(where: \.isControlCharacter)
    }
}
