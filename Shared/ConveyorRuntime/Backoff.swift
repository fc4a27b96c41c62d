
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exponential backoff with full jitter, for reconnect loops that retry forever.
///
/// The n-th delay (n counting from 0) is a random duration between `minimum` and
/// `min(maximum, initial * multiplier^n)`. Reset it after a success.
public struct Backoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    public var minimum: Duration
    public private(set) var attempt: Int = 0

    public init(
        initial: Duration = .milliseconds(100),
        maximum: Duration = .seconds(30),
        multiplier: Double = 2,
        minimum: Duration = .milliseconds(10)
    ) {
        precondition(initial > .zero && maximum >= initial && multiplier >= 1)
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.minimum = min(minimum, initial)
    }

    /// The upper bound of the next delay, before jitter.
    public var ceiling: Duration {
        let initialSeconds = initial.seconds
        let growth = pow(multiplier, Double(min(attempt, 64)))
        let bound = min(maximum.seconds, initialSeconds * growth)
        return .seconds(bound)
    }

    /// Returns the next delay and advances the attempt counter.
    public mutating func next<G: RandomNumberGenerator>(using generator: inout G) -> Duration {
        let upper = ceiling.seconds
        let lower = min(minimum.seconds, upper)
        attempt += 1
        return .seconds(Double.random(in: lower...upper, using: &generator))
    }

    public mutating func next() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return next(using: &generator)
    }

    public mutating func reset() {
        attempt = 0
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
