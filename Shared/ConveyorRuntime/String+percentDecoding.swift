extension StringProtocol {
    /// The text with `%XX` escapes replaced by the bytes they stand for, or nil when an escape
    /// is not two hex digits or the bytes are not UTF-8. Nothing else changes (`+` stays `+`).
    package func percentDecoded() -> String? {
        guard contains("%") else { return String(self) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(\.hexDigitValue),
                let low = iterator.next().flatMap(\.hexDigitValue)
            else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
