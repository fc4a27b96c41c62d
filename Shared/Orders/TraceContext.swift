/// A W3C Trace Context `traceparent` value (`00-<trace id>-<parent id>-<flags>`): the trace an
/// order's request started, carried through the outbox, every AMQP message and the e-mail
/// headers, and logged as `traceId` by every service, so one order can be followed across
/// all of them.
public struct TraceContext: Sendable, Hashable, CustomStringConvertible {
    /// 32 lower-case hex digits, not all zero.
    public let traceID: String
    /// 16 lower-case hex digits, not all zero.
    public let parentID: String
    /// Two hex digits; `01` is "sampled".
    public let flags: String

    /// Parses a `traceparent` header; nil when it is not a valid version-00 value (a version
    /// above 00 is read by its first four fields, as the specification asks).
    public init?(traceparent: String) {
        let fields = traceparent.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[0].count == 2, Self.isHex(fields[0]), fields[0] != "ff" else { return nil }
        guard fields[0] != "00" || fields.count == 4 else { return nil }
        guard fields[1].count == 32, Self.isHex(fields[1]), fields[1].contains(where: { $0 != "0" }),
            fields[2].count == 16, Self.isHex(fields[2]), fields[2].contains(where: { $0 != "0" }),
            fields[3].count == 2, Self.isHex(fields[3])
        else { return nil }
        traceID = String(fields[1])
        parentID = String(fields[2])
        flags = String(fields[3])
    }

    /// A new trace with a random trace id and parent id, sampled.
    public static func random() -> TraceContext {
        var generator = SystemRandomNumberGenerator()
        return TraceContext(traceID: hex(&generator, bytes: 16), parentID: hex(&generator, bytes: 8), flags: "01")
    }

    private init(traceID: String, parentID: String, flags: String) {
        self.traceID = traceID
        self.parentID = parentID
        self.flags = flags
    }

    /// The header value.
    public var traceparent: String { "00-\(traceID)-\(parentID)-\(flags)" }

    public var description: String { traceparent }

    private static func isHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func hex(_ generator: inout SystemRandomNumberGenerator, bytes: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes * 2)
        while text.count < bytes * 2 {
            let value = generator.next() as UInt64
            for shift in stride(from: 0, to: 64, by: 4) where text.count < bytes * 2 {
                text.append(digits[Int((value >> UInt64(shift)) & 0xF)])
            }
        }
        if text.allSatisfy({ $0 == UInt8(ascii: "0") }) { text[text.count - 1] = UInt8(ascii: "1") }
        return String(decoding: text, as: UTF8.self)
    }
}
