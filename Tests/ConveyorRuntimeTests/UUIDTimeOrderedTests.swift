import ConveyorRuntime
import Foundation
import Testing

@Suite struct UUIDTimeOrderedTests {
    /// Hands out fixed values, so the layout can be checked bit by bit.
    struct FixedGenerator: RandomNumberGenerator {
        var values: [UInt64]
        mutating func next() -> UInt64 { values.removeFirst() }
    }

    @Test func layoutIsRFC9562sExample() {
        // RFC 9562, appendix A.6: 2022-02-22 19:22:22 UTC (1,645,557,742,000 ms since 1970),
        // rand_a 0xCC3, rand_b 0x18C4DC0C0C07398F.
        var generator = FixedGenerator(values: [0x0CC3_18C4_DC0C_0000, 0x0000_0000_0C07_398F])
        let uuid = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_645_557_742), using: &generator)
        #expect(uuid.lowercasedString == "017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
    }

    @Test func versionAndVariantBitsAreSetWhateverTheRandomBits() {
        for bits: UInt64 in [0, .max, 0xAAAA_AAAA_AAAA_AAAA, 0x5555_5555_5555_5555] {
            var generator = FixedGenerator(values: [bits, bits])
            let uuid = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_800_000_000), using: &generator).uuid
            #expect(uuid.6 >> 4 == 7)
            #expect(uuid.8 >> 6 == 0b10)
        }
    }

    @Test func laterIdsSortAfterEarlierOnes() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let ids = (0..<1000).map { UUID.timeOrdered(at: start.addingTimeInterval(Double($0) / 1000)) }
        // PostgreSQL orders uuid values by their bytes, which is the order of the text form.
        #expect(ids.map(\.lowercasedString) == ids.map(\.lowercasedString).sorted())
        #expect(Set(ids).count == ids.count)
    }

    @Test func idsOfTheSameMillisecondDiffer() {
        let now = Date()
        let ids = (0..<10_000).map { _ in UUID.timeOrdered(at: now) }
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids.map { $0.lowercasedString.prefix(13) }).count == 1)
    }

    @Test func timesOutsideTheRangeAreClamped() {
        var generator = FixedGenerator(values: [0, 0, 0, 0])
        let early = UUID.timeOrdered(at: Date(timeIntervalSince1970: -86_400), using: &generator)
        #expect(early.lowercasedString == "00000000-0000-7000-8000-000000000000")
        let late = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1e15), using: &generator)
        #expect(late.lowercasedString == "ffffffff-ffff-7000-8000-000000000000")
    }
}
