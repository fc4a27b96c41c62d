import ConveyorRuntime
import Testing

@Suite struct BackoffTests {
    @Test func delaysGrowExponentiallyUpToTheMaximum() {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(2), multiplier: 2)
        var ceilings: [Duration] = []
        for _ in 0..<8 {
            ceilings.append(backoff.ceiling)
            _ = backoff.next()
        }
        #expect(ceilings.prefix(5).map(\.seconds) == [0.1, 0.2, 0.4, 0.8, 1.6])
        #expect(ceilings.suffix(3).allSatisfy { $0 == .seconds(2) })
    }

    @Test func everyDelayStaysWithinItsJitterWindow() {
        var backoff = Backoff(initial: .milliseconds(50), maximum: .seconds(1))
        for _ in 0..<100 {
            let ceiling = backoff.ceiling
            let delay = backoff.next()
            #expect(delay >= .milliseconds(10) && delay <= ceiling)
        }
    }

    @Test func resetStartsOver() {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(10))
        for _ in 0..<5 { _ = backoff.next() }
        backoff.reset()
        #expect(backoff.ceiling == .milliseconds(100))
    }
}
