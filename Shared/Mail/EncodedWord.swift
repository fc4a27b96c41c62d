#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// RFC 2047 encoded-words in UTF-8 and base64 (`=?utf-8?B?...?=`).
///
/// Base64 rather than the Q encoding: its length does not depend on which characters the
/// text contains, and it needs no escaping rules of its own in phrases.
enum EncodedWord {
    private static let prefix = "=?utf-8?B?"
    private static let suffix = "?="
    /// RFC 2047 §2: an encoded-word is at most 75 characters.
    private static let maximumLength = 75

    /// Encodes `text` as encoded-words, each holding whole Unicode scalars (characters when
    /// they fit), sized so that the first fits on a line already holding `firstLineUsed`
    /// characters and every other one on a continuation line, within 78 characters.
    static func encode(_ text: String, firstLineUsed: Int) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        var capacity = capacityInBytes(lineUsed: firstLineUsed)
        func flush() {
            words.append(prefix + base64(chunk) + suffix)
            chunk.removeAll(keepingCapacity: true)
            capacity = capacityInBytes(lineUsed: 0)
        }
        for character in text {
            let characterBytes = Array(String(character).utf8)
            if chunk.count + characterBytes.count <= capacity {
                chunk += characterBytes
                continue
            }
            if !chunk.isEmpty { flush() }
            if characterBytes.count <= capacity {
                chunk = characterBytes
                continue
            }
            // A grapheme too long for one word (a long emoji sequence): split between scalars.
            for scalar in character.unicodeScalars {
                let scalarBytes = Array(String(scalar).utf8)
                if chunk.count + scalarBytes.count > capacity { flush() }
                chunk += scalarBytes
            }
        }
        if !chunk.isEmpty || words.isEmpty { flush() }
        return words
    }

    /// How many bytes of text fit in one encoded-word on a line that already holds
    /// `lineUsed` characters and a separating space.
    private static func capacityInBytes(lineUsed: Int) -> Int {
        let room = min(maximumLength, HeaderText.softLineLimit - lineUsed - 1)
        let base64Length = max(room - prefix.utf8.count - suffix.utf8.count, 8)
        return base64Length / 4 * 3
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
