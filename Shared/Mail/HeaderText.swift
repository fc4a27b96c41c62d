import ConveyorRuntime

/// Writes header fields: folding, quoting and RFC 2047 encoded-words.
///
/// Lines are folded to at most 78 characters where the text allows it (RFC 5322 §2.1.1) and
/// never exceed 998; text that cannot be folded that short is written as encoded-words,
/// which can always be split.
enum HeaderText {
    /// The longest line RFC 5322 allows, without CRLF.
    static let hardLineLimit = 998
    /// The line length RFC 5322 recommends.
    static let softLineLimit = 78

    /// Characters no header text may contain: every control character but tab (CR and LF
    /// above all), and the Unicode line and paragraph separators.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isControlCharacter ? scalar != "\t" : scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// True when `text` has a character ``isForbidden(_:)`` refuses.
    static func containsForbidden(_ text: String) -> Bool {
        // In UTF-8 every forbidden character but U+0080–U+009F (C2 80–9F) and U+2028/U+2029
        // (E2 80 A8/A9) is one byte below 0x20 or 0x7F; text without those lead bytes is
        // decided bytewise.
        let suspicious = text.utf8.contains { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }
        return suspicious && text.unicodeScalars.contains(where: isForbidden)
    }

    /// `Name: value` for unstructured text (Subject, extra headers), folded, without the
    /// final CRLF.
    static func unstructured(name: String, value: String) -> String {
        if value.isEmpty { return "\(name):" }
        let plain = !needsEncoding(value)
        // What folding gives when the whole field fits on one line.
        if plain && name.utf8.count + 2 + value.utf8.count <= softLineLimit { return "\(name): \(value)" }
        if plain {
            // Folding only replaces an existing space by CRLF + space: unfolding restores
            // the value exactly.
            let atoms = value.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            if let folded = fold(name: name, atoms: atoms) { return folded }
        }
        return fold(name: name, atoms: EncodedWord.encode(value, firstLineUsed: name.utf8.count + 1))!
    }

    /// The display-name phrase of a mailbox as atoms: plain atoms, one quoted string, or
    /// encoded-words.
    static func phrase(_ displayName: String, firstLineUsed: Int) -> [String] {
        if needsEncoding(displayName) {
            return EncodedWord.encode(displayName, firstLineUsed: firstLineUsed)
        }
        let words = displayName.split(separator: " ", omittingEmptySubsequences: false)
        if words.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isAtext) }) {
            return words.map(String.init)
        }
        var quoted = "\""
        for character in displayName {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        quoted.append("\"")
        return [quoted]
    }

    /// Joins `atoms` with single spaces after `Name: `, breaking lines before a space when
    /// the next atom would pass 78 characters. Nil when a line would still pass 998.
    static func fold(name: String, atoms: [String]) -> String? {
        var output = "\(name):"
        var lineLength = output.utf8.count
        var atomsOnLine = 0
        for atom in atoms {
            let atomLength = atom.utf8.count
            if atomsOnLine > 0 && lineLength + 1 + atomLength > softLineLimit {
                output += "\r\n"
                lineLength = 0
            }
            output += " " + atom
            lineLength += 1 + atomLength
            atomsOnLine += 1
            if lineLength > hardLineLimit { return nil }
        }
        return output
    }

    /// True when text cannot be sent as it is: non-ASCII, or containing `=?`, which a reader
    /// would try to decode as an encoded-word.
    static func needsEncoding(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte >= 0x80 || (previous == UInt8(ascii: "=") && byte == UInt8(ascii: "?")) { return true }
            previous = byte
        }
        return false
    }

    /// RFC 5322 atext: the characters an unquoted word may contain.
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }
}
