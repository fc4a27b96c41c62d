import ArgumentParser

/// How fast a replay publishes: `--rate 20/s`, `--rate 300/m` or `--rate 5` (per second).
struct ReplayRate: Sendable, Equatable, ExpressibleByArgument {
    var perSecond: Double

    init(perSecond: Double) {
        self.perSecond = perSecond
    }

    init?(argument: String) {
        let text = argument.trimmingSpaces().lowercased()
        let (number, scale): (Substring, Double) =
            if text.hasSuffix("/s") { (text.dropLast(2), 1) }
            else if text.hasSuffix("/m") { (text.dropLast(2), 1.0 / 60) }
            else { (Substring(text), 1) }
        guard let count = Double(number), count.isFinite, count > 0 else { return nil }
        perSecond = count * scale
    }

    /// The pause between two publishes.
    var interval: Duration {
        .nanoseconds(Int64((1_000_000_000 / perSecond).rounded()))
    }
}
