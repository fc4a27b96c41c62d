#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension UUID {
    /// The lowercase text form, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (RFC 9562), the form
    /// Conveyor writes everywhere: what `uuidString.lowercased()` gives, written directly
    /// (`uuidString` goes through a formatted print, and the lowercasing through another string).
    public var lowercasedString: String { text(letters: UInt8(ascii: "a")) }

    /// The uppercase text form: what `uuidString` gives (and `JSONEncoder` writes), written directly.
    public var uppercasedString: String { text(letters: UInt8(ascii: "A")) }

    private func text(letters: UInt8) -> String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { text in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    text[position] = Self.hexDigit(byte >> 4, letters: letters)
                    text[position + 1] = Self.hexDigit(byte & 0x0F, letters: letters)
                    position += 2
                }
                return position
            }
        }
    }

    /// Reads the 36-character text form, hex digits in either case: what `UUID(uuidString:)`
    /// accepts, read directly from the UTF-8 bytes.
    public init?(parsing text: some StringProtocol) {
        let parsed: uuid_t?? = text.utf8.withContiguousStorageIfAvailable(Self.parse)
        guard let uuid = parsed ?? Array(text.utf8).withUnsafeBufferPointer(Self.parse) else { return nil }
        self.init(uuid: uuid)
    }

    private static func parse(_ utf8: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard utf8.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &bytes) { output -> Bool in
            var position = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    guard utf8[position] == UInt8(ascii: "-") else { return false }
                    position += 1
                }
                guard let high = utf8[position].hexDigitValue, let low = utf8[position + 1].hexDigitValue else { return false }
                output[index] = high << 4 | low
                position += 2
            }
            return true
        }
        return parsed ? bytes : nil
    }

    private static func hexDigit(_ nibble: UInt8, letters: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : letters + nibble - 10
    }
}
