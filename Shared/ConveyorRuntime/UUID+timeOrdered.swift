#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension UUID {
    /// A new version 7 UUID (RFC 9562, section 5.7): the Unix time in milliseconds in its first
    /// 48 bits, then 74 random bits.
    ///
    /// Conveyor names its orders and events with these. Ids made later sort after earlier ones
    /// (to the millisecond), so the rows a busy system inserts go to the last pages of the
    /// B-tree indexes keyed by them instead of to random pages all over each index: PostgreSQL
    /// then keeps touching the same few pages, which stay in its buffers, and logs far fewer
    /// full-page images after each checkpoint. 74 random bits keep ids made in the same
    /// millisecond apart.
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return timeOrdered(at: date, using: &generator)
    }

    /// A version 7 UUID for `date` with the random bits taken from `generator`.
    public static func timeOrdered(at date: Date, using generator: inout some RandomNumberGenerator) -> UUID {
        let seconds = date.timeIntervalSince1970
        // Times before 1970 or past the 48-bit range (year 10889) are clamped to it. Rounded to
        // the microsecond first, so a time given as 1.002 s is in millisecond 1002, not 1001.
        let milliseconds: UInt64 =
            if seconds <= 0 { 0 } else if seconds >= 0xFFFF_FFFF_FFFF / 1000 { 0xFFFF_FFFF_FFFF } else { UInt64((seconds * 1e6).rounded()) / 1000 }
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        // Bytes 0–5: the time, big-endian. Byte 6: version 7 in its high nibble. Byte 8: the
        // variant, binary 10, in its two high bits. Everything else: random.
        return UUID(uuid: (
            UInt8(truncatingIfNeeded: milliseconds >> 40), UInt8(truncatingIfNeeded: milliseconds >> 32),
            UInt8(truncatingIfNeeded: milliseconds >> 24), UInt8(truncatingIfNeeded: milliseconds >> 16),
            UInt8(truncatingIfNeeded: milliseconds >> 8), UInt8(truncatingIfNeeded: milliseconds),
            0x70 | UInt8(truncatingIfNeeded: high >> 56) & 0x0F, UInt8(truncatingIfNeeded: high >> 48),
            0x80 | UInt8(truncatingIfNeeded: high >> 40) & 0x3F, UInt8(truncatingIfNeeded: high >> 32),
            UInt8(truncatingIfNeeded: high >> 24), UInt8(truncatingIfNeeded: high >> 16),
            UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
            UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low)))
    }
}
